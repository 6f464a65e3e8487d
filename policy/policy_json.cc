#include "policy/policy_json.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"
#include "proto/policy.pb.h"

namespace policy {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
// Ordered: problems are reported in the order the file has them.
using Json = nlohmann::ordered_json;

// Line and column (1-based) of the byte at `offset` of `text`.
std::pair<size_t, size_t> LineAndColumn(const std::string& text,
                                        size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// nlohmann's message without its "[json.exception...] parse error at line
// L, column C: " prefix: the reason alone.
std::string ParseErrorReason(const std::string& what) {
  const size_t colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// Key paths as the loader's other messages spell them: "Rules[0].max_ttl".
struct Frame {
  bool array = false;
  int index = -1;   // Arrays: the element being read.
  std::string key;  // Objects: the key being read.
  std::set<std::string> keys;
};

std::string PathOf(const std::vector<Frame>& frames, size_t count) {
  std::string path;
  for (size_t i = 0; i < count && i < frames.size(); ++i) {
    const Frame& frame = frames[i];
    if (frame.array && frame.index >= 0) {
      absl::StrAppend(&path, "[", frame.index, "]");
    } else if (!frame.array && !frame.key.empty()) {
      absl::StrAppend(&path, path.empty() ? "" : ".", frame.key);
    }
  }
  return path;
}

// Parses `text`, reporting every key given twice in one object.
std::optional<Json> Parse(const std::string& name,
                          const std::string& text,
                          std::vector<std::string>* errors) {
  std::vector<Frame> frames;
  bool duplicates = false;
  auto element_begins = [&frames] {
    if (!frames.empty() && frames.back().array)
      ++frames.back().index;
  };
  Json::parser_callback_t callback = [&](int, Json::parse_event_t event,
                                         Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        element_begins();
        frames.push_back({});
        break;
      case Json::parse_event_t::array_start:
        element_begins();
        frames.push_back({true});
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!frames.empty())
          frames.pop_back();
        break;
      case Json::parse_event_t::key: {
        const std::string key = parsed.get<std::string>();
        Frame& frame = frames.back();
        if (!frame.keys.insert(key).second) {
          const std::string where = PathOf(frames, frames.size() - 1);
          errors->push_back(absl::StrCat(
              name, ": ", where, where.empty() ? "" : ".", key,
              ": the key is given twice in one object (keep one)"));
          duplicates = true;
        }
        frame.key = key;
        break;
      }
      case Json::parse_event_t::value:
        element_begins();
        break;
    }
    return true;
  };
  try {
    Json parsed = Json::parse(text, callback);
    if (duplicates)
      return std::nullopt;
    return parsed;
  } catch (const Json::parse_error& error) {
    const auto [line, column] =
        LineAndColumn(text, error.byte > 0 ? error.byte - 1 : 0);
    errors->push_back(
        absl::StrCat(name, ":", line, ":", column,
                     ": not valid JSON: ", ParseErrorReason(error.what())));
    return std::nullopt;
  } catch (const Json::exception& error) {
    // A number too large for any JSON number type ("1e999"): nlohmann
    // says which, without a position. Never thrown on to the caller: the
    // service reads policy files an admin wrote.
    errors->push_back(absl::StrCat(
        name, ": not valid JSON: ", ParseErrorReason(error.what())));
    return std::nullopt;
  }
}

std::string JsonTypeOf(const Json& value) {
  if (value.is_string())
    return absl::StrCat("a string (", value.dump(), ")");
  if (value.is_boolean())
    return absl::StrCat("a boolean (", value.dump(), ")");
  if (value.is_number())
    return absl::StrCat("a number (", value.dump(), ")");
  if (value.is_array())
    return "a list";
  if (value.is_object())
    return "an object";
  return "null";
}

// Whether `value` has the JSON type of one element of `field`, else why
// not.
std::optional<std::string> TypeProblem(const FieldDescriptor& field,
                                       const Json& value) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
      if (value.is_number_integer())
        return std::nullopt;
      return absl::StrCat("expected a whole number, got ", JsonTypeOf(value));
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      if (value.is_number_unsigned())
        return std::nullopt;
      return absl::StrCat("expected a whole number of 0 or more, got ",
                          JsonTypeOf(value));
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value.is_boolean())
        return std::nullopt;
      return absl::StrCat("expected true or false, got ", JsonTypeOf(value));
    case FieldDescriptor::CPPTYPE_STRING:
      if (value.is_string())
        return std::nullopt;
      return absl::StrCat("expected a string, got ", JsonTypeOf(value));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (value.is_object())
        return std::nullopt;
      return absl::StrCat("expected an object, got ", JsonTypeOf(value));
    default:
      return "a field of a type policy files do not use";
  }
}

std::string KnownKeys(const Descriptor& message) {
  std::vector<std::string> names;
  for (int i = 0; i < message.field_count(); ++i)
    names.push_back(message.field(i)->name());
  return absl::StrJoin(names, ", ");
}

void CheckObject(const std::string& name,
                 const std::string& path,
                 const Json& object,
                 const Descriptor& message,
                 std::vector<std::string>* errors);

// One value of `field` at `path`.
void CheckValue(const std::string& name,
                const std::string& path,
                const FieldDescriptor& field,
                const Json& value,
                std::vector<std::string>* errors) {
  if (std::optional<std::string> problem = TypeProblem(field, value)) {
    errors->push_back(absl::StrCat(name, ": ", path, ": ", *problem));
    return;
  }
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
    CheckObject(name, path, value, *field.message_type(), errors);
}

void CheckField(const std::string& name,
                const std::string& path,
                const FieldDescriptor& field,
                const Json& value,
                std::vector<std::string>* errors) {
  if (!field.is_repeated()) {
    CheckValue(name, path, field, value, errors);
    return;
  }
  if (!value.is_array()) {
    errors->push_back(absl::StrCat(
        name, ": ", path, ": expected a list [...], got ", JsonTypeOf(value)));
    return;
  }
  for (size_t i = 0; i < value.size(); ++i)
    CheckValue(name, absl::StrCat(path, "[", i, "]"), field, value[i], errors);
}

// An object inside the file (a multicast rule): every key known.
void CheckObject(const std::string& name,
                 const std::string& path,
                 const Json& object,
                 const Descriptor& message,
                 std::vector<std::string>* errors) {
  for (const auto& [key, value] : object.items()) {
    const std::string at = absl::StrCat(path, ".", key);
    const FieldDescriptor* field = message.FindFieldByName(key);
    if (field == nullptr) {
      errors->push_back(absl::StrCat(
          name, ": ", at,
          ": not a key of this object (its keys: ", KnownKeys(message), ")"));
      continue;
    }
    CheckField(name, at, *field, value, errors);
  }
}

}  // namespace

std::optional<std::string> CheckPolicyJson(const std::string& name,
                                           const std::string& text,
                                           std::vector<std::string>* errors,
                                           std::vector<std::string>* warnings) {
  const size_t errors_before = errors->size();
  std::optional<Json> parsed = Parse(name, text, errors);
  if (!parsed)
    return std::nullopt;
  if (!parsed->is_object()) {
    errors->push_back(absl::StrCat(
        name,
        ": a policy file is one JSON object {\"PolicyName\": value, ...}, "
        "not ",
        JsonTypeOf(*parsed)));
    return std::nullopt;
  }
  const Descriptor& file =
      *direct_sockets::policy::v1::PolicyFile::descriptor();
  Json known = Json::object();
  for (const auto& [key, value] : parsed->items()) {
    const FieldDescriptor* field = file.FindFieldByName(key);
    if (field == nullptr) {
      if (warnings != nullptr) {
        warnings->push_back(absl::StrCat(
            name, ": ", key,
            ": not a policy this product knows; ignored (Chrome ignores "
            "policies it does not know too; check the spelling if it is "
            "meant to be one of ",
            KnownKeys(file), ")"));
      }
      continue;
    }
    CheckField(name, key, *field, value, errors);
    known[key] = value;
  }
  if (errors->size() != errors_before)
    return std::nullopt;
  return known.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace policy

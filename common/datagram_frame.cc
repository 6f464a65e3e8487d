#include "common/datagram_frame.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace common {

void DatagramFrame::Begin(Kind kind, uint32_t socket_id, uint64_t request_id) {
  FrameHeader header{static_cast<uint32_t>(kind), socket_id, 0, 0, request_id};
  buffer_.assign(reinterpret_cast<const char*>(&header), sizeof(header));
  count_ = 0;
}

bool DatagramFrame::Add(absl::string_view data, const sockaddr* peer) {
  if (buffer_.size() + sizeof(RecordHeader) + data.size() > kMaxBytes)
    return false;
  RecordHeader record{};
  record.length = static_cast<uint32_t>(data.size());
  if (peer != nullptr && peer->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(peer);
    record.family = AF_INET;
    record.port = ntohs(in->sin_port);
    std::memcpy(record.address, &in->sin_addr, 4);
  } else if (peer != nullptr && peer->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(peer);
    record.family = AF_INET6;
    record.port = ntohs(in6->sin6_port);
    std::memcpy(record.address, &in6->sin6_addr, 16);
  }
  buffer_.append(reinterpret_cast<const char*>(&record), sizeof(record));
  buffer_.append(data.data(), data.size());
  ++count_;
  std::memcpy(buffer_.data() + offsetof(FrameHeader, count), &count_,
              sizeof(count_));
  return true;
}

absl::Status DatagramFrame::ForEach(absl::string_view frame,
                                    uint32_t* socket_id,
                                    Visitor each) {
  // The header is filled in before the first datagram is visited.
  FrameHeader header{};
  absl::Status read =
      ForEach(frame, Kind::kReceived, &header,
              [&](absl::string_view data, const sockaddr* peer) {
                *socket_id = header.socket_id;
                each(data, peer);
              });
  if (read.ok())
    *socket_id = header.socket_id;
  return read;
}

absl::Status DatagramFrame::ForEach(absl::string_view frame,
                                    Kind kind,
                                    FrameHeader* header,
                                    Visitor each) {
  FrameHeader read_header;
  if (frame.size() < sizeof(read_header))
    return absl::InvalidArgumentError(
        "a datagram frame shorter than its header");
  std::memcpy(&read_header, frame.data(), sizeof(read_header));
  if (read_header.magic != static_cast<uint32_t>(kind))
    return absl::InvalidArgumentError("not a datagram frame of this kind");
  // First the whole frame's shape, so a bad frame delivers nothing.
  size_t offset = sizeof(read_header);
  for (uint32_t i = 0; i < read_header.count; ++i) {
    RecordHeader record;
    if (frame.size() - offset < sizeof(record))
      return absl::InvalidArgumentError("a datagram frame cut in a record");
    std::memcpy(&record, frame.data() + offset, sizeof(record));
    offset += sizeof(record);
    if (record.length > frame.size() - offset)
      return absl::InvalidArgumentError("a datagram longer than its frame");
    if (record.family != 0 && record.family != AF_INET &&
        record.family != AF_INET6) {
      return absl::InvalidArgumentError(
          absl::StrCat("a datagram of family ", record.family));
    }
    offset += record.length;
  }
  if (offset != frame.size())
    return absl::InvalidArgumentError("bytes after a datagram frame's records");
  *header = read_header;
  offset = sizeof(read_header);
  sockaddr_storage peer{};
  for (uint32_t i = 0; i < read_header.count; ++i) {
    RecordHeader record;
    std::memcpy(&record, frame.data() + offset, sizeof(record));
    offset += sizeof(record);
    const sockaddr* from = nullptr;
    if (record.family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&peer);
      in->sin_family = AF_INET;
      in->sin_port = htons(record.port);
      std::memcpy(&in->sin_addr, record.address, 4);
      from = reinterpret_cast<const sockaddr*>(&peer);
    } else if (record.family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&peer);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(record.port);
      std::memcpy(&in6->sin6_addr, record.address, 16);
      from = reinterpret_cast<const sockaddr*>(&peer);
    }
    each(frame.substr(offset, record.length), from);
    offset += record.length;
  }
  return absl::OkStatus();
}

uint32_t PipeMessageMagic(absl::string_view message) {
  uint32_t magic = 0;
  if (message.size() >= sizeof(magic))
    std::memcpy(&magic, message.data(), sizeof(magic));
  return magic;
}

std::optional<DatagramCredit> DatagramCredit::Parse(absl::string_view message) {
  DatagramCredit credit;
  if (message.size() != sizeof(credit))
    return std::nullopt;
  std::memcpy(&credit, message.data(), sizeof(credit));
  if (credit.magic != kMagic)
    return std::nullopt;
  return credit;
}

namespace {

// A message of `header` then `tail` (DatagramMembership, DatagramResult).
template <typename Header>
std::string WithTail(const Header& header, absl::string_view tail) {
  std::string message(reinterpret_cast<const char*>(&header), sizeof(header));
  message.append(tail.data(), tail.size());
  return message;
}

// The header of such a message, and its tail, when the message starts with
// `magic` and its header's `length` is exactly the rest of it.
template <typename Header>
std::optional<absl::string_view> ReadWithTail(absl::string_view message,
                                              uint32_t magic,
                                              uint32_t Header::*length,
                                              Header* header) {
  if (message.size() < sizeof(Header))
    return std::nullopt;
  std::memcpy(header, message.data(), sizeof(Header));
  if (header->magic != magic ||
      header->*length != message.size() - sizeof(Header)) {
    return std::nullopt;
  }
  return message.substr(sizeof(Header));
}

}  // namespace

std::string DatagramMembership::Encode(uint32_t socket_id,
                                       uint64_t request_id,
                                       bool join,
                                       absl::string_view group) {
  return WithTail(Header{kMagic, socket_id, request_id, join ? 1u : 0u,
                         static_cast<uint32_t>(group.size())},
                  group);
}

std::optional<DatagramMembership> DatagramMembership::Parse(
    absl::string_view message) {
  Header header;
  std::optional<absl::string_view> group =
      ReadWithTail(message, kMagic, &Header::group_length, &header);
  if (!group || header.join > 1)
    return std::nullopt;
  DatagramMembership membership;
  membership.socket_id = header.socket_id;
  membership.request_id = header.request_id;
  membership.join = header.join == 1;
  membership.group = *group;
  return membership;
}

std::string DatagramResult::Encode(uint32_t socket_id,
                                   uint64_t request_id,
                                   absl::string_view status) {
  return WithTail(Header{kMagic, socket_id, request_id,
                         static_cast<uint32_t>(status.size()), 0},
                  status);
}

std::optional<DatagramResult> DatagramResult::Parse(absl::string_view message) {
  Header header;
  std::optional<absl::string_view> status =
      ReadWithTail(message, kMagic, &Header::status_length, &header);
  if (!status)
    return std::nullopt;
  DatagramResult result;
  result.socket_id = header.socket_id;
  result.request_id = header.request_id;
  result.status = *status;
  return result;
}

}  // namespace common

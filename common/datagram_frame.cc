#include "common/datagram_frame.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace common {

void DatagramFrame::Begin(uint32_t socket_id) {
  FrameHeader header{kMagic, socket_id, 0, 0};
  buffer_.assign(reinterpret_cast<const char*>(&header), sizeof(header));
  count_ = 0;
}

bool DatagramFrame::Add(absl::string_view data, const sockaddr* from) {
  if (buffer_.size() + sizeof(RecordHeader) + data.size() > kMaxBytes)
    return false;
  RecordHeader record{};
  record.length = static_cast<uint32_t>(data.size());
  if (from != nullptr && from->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(from);
    record.family = AF_INET;
    record.port = ntohs(in->sin_port);
    std::memcpy(record.address, &in->sin_addr, 4);
  } else if (from != nullptr && from->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(from);
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
  FrameHeader header;
  if (frame.size() < sizeof(header))
    return absl::InvalidArgumentError(
        "a datagram frame shorter than its header");
  std::memcpy(&header, frame.data(), sizeof(header));
  if (header.magic != kMagic)
    return absl::InvalidArgumentError("not a datagram frame");
  // First the whole frame's shape, so a bad frame delivers nothing.
  size_t offset = sizeof(header);
  for (uint32_t i = 0; i < header.count; ++i) {
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
  *socket_id = header.socket_id;
  offset = sizeof(header);
  sockaddr_storage from{};
  for (uint32_t i = 0; i < header.count; ++i) {
    RecordHeader record;
    std::memcpy(&record, frame.data() + offset, sizeof(record));
    offset += sizeof(record);
    const sockaddr* sender = nullptr;
    if (record.family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&from);
      in->sin_family = AF_INET;
      in->sin_port = htons(record.port);
      std::memcpy(&in->sin_addr, record.address, 4);
      sender = reinterpret_cast<const sockaddr*>(&from);
    } else if (record.family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&from);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(record.port);
      std::memcpy(&in6->sin6_addr, record.address, 16);
      sender = reinterpret_cast<const sockaddr*>(&from);
    }
    each(frame.substr(offset, record.length), sender);
    offset += record.length;
  }
  return absl::OkStatus();
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

}  // namespace common

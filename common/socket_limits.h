#ifndef COMMON_SOCKET_LIMITS_H_
#define COMMON_SOCKET_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace common {

// Bounds that the renderer and the network service both enforce. The service
// enforces them again because a renderer may be compromised.

// The largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP header bytes).
inline constexpr size_t kMaxDatagramSize = 65507;
// Ports below this need privileges; the Direct Sockets spec refuses them
// for bound sockets with NotAllowedError.
inline constexpr uint32_t kFirstUnprivilegedPort = 1024;
// Send/receive buffer sizes are clamped to this (the kernel clamps again to
// net.core.{w,r}mem_max).
inline constexpr uint32_t kMaxSocketBufferSize = 4 * 1024 * 1024;
// Host names longer than this are refused before any lookup (RFC 1035).
inline constexpr size_t kMaxHostNameLength = 253;

// The largest gRPC message the network service reads from a renderer; a
// larger one ends the stream (RESOURCE_EXHAUSTED). The renderer keeps a
// send batch under kMaxSendBatchBytes, which always fits one datagram of
// the largest size and the framing.
inline constexpr size_t kMaxRequestBytes = 320 * 1024;
inline constexpr size_t kMaxSendBatchBytes = 256 * 1024;

}  // namespace common

#endif  // COMMON_SOCKET_LIMITS_H_

#ifndef NETWORK_SERVICE_REQUESTS_SEND_QUEUE_H_
#define NETWORK_SERVICE_REQUESTS_SEND_QUEUE_H_

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "network_service/app_registry.h"
#include "network_service/policy_enforcer.h"
#include "network_service/requests/request_validator.h"
#include "network_service/socket/datagram_socket.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// One send request whose every datagram the request layer has checked.
struct CheckedSend {
  uint64_t request_id = 0;
  direct_sockets::v1::SendDatagrams datagrams;  // Keeps the payloads alive.
  // Each datagram's destination (nullopt on a connected socket) and whether
  // it goes to a multicast group (counted against the app's send rate).
  std::vector<std::optional<Destination>> destinations;
  std::vector<bool> to_group;
  size_t bytes = 0;  // Payload bytes, already counted against the app.
  // It came on the renderer's datagram pipe; its result goes back there.
  bool on_pipe = false;
};

// One socket's sends, where a datagram is counted against its app's send
// rate: each checked request's datagrams go to the socket in request order,
// each datagram to a group first charged to the app's SendRateLimiter
// (shared by all the app's sockets; the policy's rate). When the bucket is
// empty the rest of the request is held, and a rate timer hands it over;
// requests submitted meanwhile wait behind it (a stream's caller reads no
// request meanwhile; the pipe's bounds how many a socket may have). Each
// request gets one result, once the kernel has all its datagrams (or
// refused one), and results come in request order, refusals included.
//
// Owned by a RestrictedUDPSocket; loop thread only. The app's send bytes of
// the requests it holds are released as each finishes, or when it is
// destroyed. Close() it (and wait for `closed`) before destroying it; the
// socket's queued sends must have finished too (the socket closed).
class SendQueue {
 public:
  using ResultCallback = absl::AnyInvocable<
      void(uint64_t request_id, bool on_pipe, absl::Status result)>;

  // `apps` and `policy` (not owned) outlive this. `on_result` answers each
  // request; `on_released` runs when a held request has been handed over.
  SendQueue(uv_loop_t* loop,
            AppRegistry* apps,
            PolicyEnforcer* policy,
            std::string origin,
            ResultCallback on_result,
            absl::AnyInvocable<void()> on_released);
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;
  ~SendQueue();

  // The socket opened: sends go to `socket` (not owned; outlives this).
  void Start(DatagramSocket* socket) { socket_ = socket; }
  // Hands `send` over. False when the app's send rate holds part of it, or
  // an earlier request: it waits, and `on_released` says when none does.
  bool Submit(std::unique_ptr<CheckedSend> send);
  // Answers a request refused before it could be submitted with `status`,
  // in its place among the results of those submitted before it.
  void Refuse(uint64_t request_id, bool on_pipe, absl::Status status);
  // Requests not yet answered.
  size_t unfinished() const { return batches_.size(); }
  // Requests the app's send rate holds back now (not all handed over).
  size_t held() const;
  // Datagrams and payload bytes handed to the kernel (the admin's view).
  uint64_t datagrams() const { return datagrams_; }
  uint64_t bytes() const { return bytes_; }
  // Stops the rate timer; `closed` runs once, later, from the loop.
  void Close(absl::AnyInvocable<void()> closed);

 private:
  struct Batch;

  // Hands `batch`'s datagrams over from its `next`. False when the bucket
  // is empty (the rate timer is armed to go on).
  bool HandOver(Batch* batch);
  void OnDatagramDone(Batch* batch, absl::Status status);
  // `batch` has its result; results are given in request order.
  void Finish(Batch* batch);
  void AnswerFinished();
  static void OnRateTimer(uv_timer_t* handle);

  uv_loop_t* const loop_;
  AppRegistry* const apps_;
  PolicyEnforcer* const policy_;
  const std::string origin_;
  ResultCallback on_result_;
  absl::AnyInvocable<void()> on_released_;
  absl::AnyInvocable<void()> closed_;
  DatagramSocket* socket_ = nullptr;
  bool closing_ = false;
  uv_timer_t rate_timer_;
  // Requests not yet finished, in request order; held_ is one of them.
  std::vector<std::unique_ptr<Batch>> batches_;
  Batch* held_ = nullptr;
  uint64_t datagrams_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_SEND_QUEUE_H_

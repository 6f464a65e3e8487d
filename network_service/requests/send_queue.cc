#include "network_service/requests/send_queue.h"

#include <cstring>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace network_service {

namespace {

bool SamePeer(const std::optional<Destination>& a,
              const std::optional<Destination>& b) {
  if (!a.has_value() || !b.has_value())
    return a.has_value() == b.has_value();
  return a->length == b->length &&
         std::memcmp(&a->address, &b->address, a->length) == 0;
}

// How many datagrams from `first` on may go in one segmented send: to the
// peer of `first`, none to a group (each of those is charged to the rate
// first), each as long as the first but a shorter last one, within the
// socket layer's bounds.
int SegmentableRun(const CheckedSend& send, int first) {
  const int count = send.datagrams.datagrams_size();
  const size_t segment = send.datagrams.datagrams(first).data().size();
  size_t total = 0;
  int run = 0;
  for (int j = first;
       j < count && run < static_cast<int>(DatagramSocket::kMaxSegments); ++j) {
    const size_t size = send.datagrams.datagrams(j).data().size();
    if (send.to_group[j] ||
        !SamePeer(send.destinations[j], send.destinations[first]) ||
        size == 0 || size > segment ||
        total + size > DatagramSocket::kMaxSegmentedBytes) {
      break;
    }
    total += size;
    ++run;
    if (size < segment)
      break;  // Only the last may be shorter.
  }
  return run;
}

}  // namespace

struct SendQueue::Batch {
  uint64_t request_id = 0;
  bool on_pipe = false;
  std::unique_ptr<CheckedSend> send;  // Null for a refused request.
  size_t bytes = 0;                   // Counted against the app until finished.
  int next = 0;                       // The first datagram not yet handed over.
  bool handed_over = false;  // Every datagram handed over (or an error).
  size_t in_flight = 0;      // Queued in the socket.
  bool finished = false;     // Has its result; answered in turn.
  absl::Status first_error;
};

SendQueue::SendQueue(uv_loop_t* loop,
                     AppRegistry* apps,
                     PolicyEnforcer* policy,
                     std::string origin,
                     ResultCallback on_result,
                     absl::AnyInvocable<void()> on_released)
    : loop_(loop),
      apps_(apps),
      policy_(policy),
      origin_(std::move(origin)),
      on_result_(std::move(on_result)),
      on_released_(std::move(on_released)) {
  uv_timer_init(loop_, &rate_timer_);
  rate_timer_.data = this;
}

SendQueue::~SendQueue() {
  CHECK(closing_) << "Close() first: libuv holds rate_timer_ until then";
  for (const std::unique_ptr<Batch>& batch : batches_)
    apps_->ReleaseSendBytes(origin_, batch->bytes);
}

bool SendQueue::Submit(std::unique_ptr<CheckedSend> send) {
  auto batch = std::make_unique<Batch>();
  batch->request_id = send->request_id;
  batch->on_pipe = send->on_pipe;
  batch->bytes = send->bytes;
  batch->send = std::move(send);
  Batch* submitting = batch.get();
  batches_.push_back(std::move(batch));
  if (held_ != nullptr)
    return false;  // Behind the held one, in order.
  if (HandOver(submitting))
    return true;
  held_ = submitting;
  return false;
}

void SendQueue::Refuse(uint64_t request_id, bool on_pipe, absl::Status status) {
  auto batch = std::make_unique<Batch>();
  batch->request_id = request_id;
  batch->on_pipe = on_pipe;
  batch->handed_over = true;
  batch->finished = true;
  batch->first_error = std::move(status);
  batches_.push_back(std::move(batch));
  AnswerFinished();
}

bool SendQueue::HandOver(Batch* batch) {
  const CheckedSend& send = *batch->send;
  const int count = send.datagrams.datagrams_size();
  const SendRateLimiter::Rate rate = policy_->RateFor(origin_);
  for (; batch->next < count; ++batch->next) {
    const int i = batch->next;
    const std::string& data = send.datagrams.datagrams(i).data();
    if (send.to_group[i]) {
      // Charged before it is sent; the rest of the request waits for the
      // app's bucket (shared by all its sockets).
      const uint64_t now = uv_now(loop_);
      const uint64_t wait =
          apps_->SendRateOf(origin_, now).TryTake(rate, data.size(), now);
      if (wait > 0) {
        uv_timer_start(&rate_timer_, &SendQueue::OnRateTimer, wait, 0);
        return false;
      }
    }
    const sockaddr* to =
        send.destinations[i]
            ? reinterpret_cast<const sockaddr*>(&send.destinations[i]->address)
            : nullptr;
    // A run of datagrams to one peer, none to a group (nothing to charge),
    // goes in one send when the kernel cuts it (UDP GSO).
    if (const int run = SegmentableRun(send, i); run >= 2) {
      absl::InlinedVector<absl::string_view, DatagramSocket::kMaxSegments>
          datagrams;
      for (int j = i; j < i + run; ++j)
        datagrams.push_back(send.datagrams.datagrams(j).data());
      const size_t handed = socket_->TrySendSegmented(datagrams, to);
      for (size_t j = 0; j < handed; ++j)
        bytes_ += datagrams[j].size();
      datagrams_ += handed;
      if (handed > 0) {
        batch->next += static_cast<int>(handed) - 1;  // The loop adds one.
        continue;
      }
    }
    absl::StatusOr<DatagramSocket::SendResult> sent =
        socket_->Send(data, to, [this, batch](absl::Status status) {
          OnDatagramDone(batch, std::move(status));
        });
    if (!sent.ok()) {
      batch->first_error =
          count == 1
              ? sent.status()
              : absl::Status(sent.status().code(),
                             absl::StrCat("datagram ", i + 1, " of ", count,
                                          ": ", sent.status().message()));
      break;
    }
    ++datagrams_;
    bytes_ += data.size();
    if (*sent == DatagramSocket::SendResult::kQueued)
      ++batch->in_flight;
  }
  batch->next = count;
  batch->handed_over = true;
  if (batch->in_flight == 0)
    Finish(batch);
  return true;
}

size_t SendQueue::held() const {
  size_t held = 0;
  for (const std::unique_ptr<Batch>& batch : batches_)
    held += batch->handed_over ? 0 : 1;
  return held;
}

void SendQueue::OnDatagramDone(Batch* batch, absl::Status status) {
  --batch->in_flight;
  // CANCELLED: the socket closed, and nobody waits for the result.
  if (!status.ok() && !absl::IsCancelled(status) && batch->first_error.ok())
    batch->first_error = std::move(status);
  if (batch->in_flight == 0 && batch->handed_over)
    Finish(batch);
}

void SendQueue::Finish(Batch* batch) {
  apps_->ReleaseSendBytes(origin_, batch->bytes);
  batch->bytes = 0;
  batch->send.reset();  // The kernel has the payloads.
  batch->finished = true;
  AnswerFinished();
}

void SendQueue::AnswerFinished() {
  while (!batches_.empty() && batches_.front()->finished) {
    std::unique_ptr<Batch> batch = std::move(batches_.front());
    batches_.erase(batches_.begin());
    on_result_(batch->request_id, batch->on_pipe,
               std::move(batch->first_error));
  }
}

void SendQueue::OnRateTimer(uv_timer_t* handle) {
  auto* queue = static_cast<SendQueue*>(handle->data);
  if (queue->held_ == nullptr || queue->closing_)
    return;
  // The held request, then each that waited behind it, in order.
  for (;;) {
    Batch* next = nullptr;
    for (const std::unique_ptr<Batch>& batch : queue->batches_) {
      if (!batch->handed_over) {
        next = batch.get();
        break;
      }
    }
    if (next == nullptr)
      break;
    if (!queue->HandOver(next)) {
      queue->held_ = next;
      return;
    }
  }
  queue->held_ = nullptr;
  queue->on_released_();
}

void SendQueue::Close(absl::AnyInvocable<void()> closed) {
  CHECK(!closing_) << "Close() is once";
  closing_ = true;
  closed_ = std::move(closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&rate_timer_),
           [](uv_handle_t* handle) {
             auto* queue = static_cast<SendQueue*>(handle->data);
             absl::AnyInvocable<void()> closed = std::move(queue->closed_);
             closed();
           });
}

}  // namespace network_service

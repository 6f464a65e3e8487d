#include "tools/dsock/admin_client.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "proto/admin.grpc.pb.h"

namespace dsock {

namespace admin = ::direct_sockets::admin::v1;

absl::StatusOr<admin::ServiceState> FetchState(const std::string& path,
                                               absl::Duration timeout) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno == EACCES) {
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot reach ", path,
          ": its directory is root's only; run this as root (sudo)"));
    }
    return absl::NotFoundError(absl::StrCat(
        "no admin socket at ", path,
        ". Is a network service running with --admin-socket ", path,
        "? Start one so (as root), e.g. host_main ... --admin-socket=", path,
        " (docs/admin.md), or give --admin-socket"));
  }
  if (access(path.c_str(), R_OK | W_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot open ", path, " (", std::strerror(errno),
        "): only root and the service's own user may; run this as root"));
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel("unix:" + path, grpc::InsecureChannelCredentials());
  std::unique_ptr<admin::Admin::Stub> stub = admin::Admin::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(timeout));
  context.set_wait_for_ready(false);
  admin::ServiceState state;
  grpc::Status status =
      stub->GetState(&context, admin::GetStateRequest(), &state);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "the admin socket at ", path, " did not answer (",
        status.error_message(),
        "): the service may have ended, or refused this user (only root and "
        "the service's own user may connect)"));
  }
  return state;
}

std::string StateJson(const admin::ServiceState& state) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // Only fails for messages that cannot be JSON (Any, bad UTF-8): the
  // service made every string printable.
  if (!google::protobuf::util::MessageToJsonString(state, &json, options).ok())
    return "{}";
  return json;
}

}  // namespace dsock

#include "tests/chromium/iwa_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace tests {

namespace {

void AppendBigEndian(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((value >> shift) & 0xff));
}

void AppendChunk(std::string* png, const char* type, const std::string& data) {
  AppendBigEndian(png, static_cast<uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  png->append(typed);
  AppendBigEndian(png, static_cast<uint32_t>(crc32(
                           0, reinterpret_cast<const Bytef*>(typed.data()),
                           static_cast<uInt>(typed.size()))));
}

// A PNG of `size` x `size` pixels of one colour (RGB, 8 bits).
std::string SolidPng(uint32_t size) {
  std::string rows;
  for (uint32_t y = 0; y < size; ++y) {
    rows.push_back('\0');  // Filter: none.
    for (uint32_t x = 0; x < size; ++x)
      rows.append("\x20\x60\xc0", 3);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(rows.size()));
  std::string packed(packed_size, '\0');
  compress(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
           reinterpret_cast<const Bytef*>(rows.data()),
           static_cast<uLong>(rows.size()));
  packed.resize(packed_size);
  std::string header;
  AppendBigEndian(&header, size);
  AppendBigEndian(&header, size);
  header.append("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace.
  std::string png = "\x89PNG\r\n\x1a\n";
  AppendChunk(&png, "IHDR", header);
  AppendChunk(&png, "IDAT", packed);
  AppendChunk(&png, "IEND", "");
  return png;
}

// The Content-Type of an app's file, by its name.
std::string ContentTypeOf(const std::string& path) {
  if (absl::EndsWith(path, ".mjs") || absl::EndsWith(path, ".js"))
    return "text/javascript";
  if (absl::EndsWith(path, ".json"))
    return "application/json";
  if (absl::EndsWith(path, ".txt"))
    return "text/plain";
  return "application/octet-stream";
}

// A path the server hands out: a file of the app's own directory or below
// it (its scripts, and what it fetch()es), with no way up ("..") and plain
// characters.
bool IsAppFilePath(const std::string& path) {
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment.find("..") != absl::string_view::npos)
      return false;
    for (char c : segment) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
            c == '-' || c == '.')) {
        return false;
      }
    }
  }
  return true;
}

void WriteAll(int fd, const std::string& bytes) {
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n =
        send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<IwaServer>> IwaServer::Start(
    const std::string& directory,
    const std::set<std::string>& features) {
  nlohmann::json policy = nlohmann::json::object();
  policy["cross-origin-isolated"] = {"self"};
  for (const std::string& feature : features)
    policy[feature] = {"self"};
  const nlohmann::json manifest = {
      {"name", "dsock conformance app"},
      {"start_url", "/"},
      {"display", "standalone"},
      {"version", "1.0.0"},
      {"icons",
       {{{"src", "/icon.png"}, {"sizes", "144x144"}, {"type", "image/png"}}}},
      {"permissions_policy", policy}};
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (listener < 0 ||
      bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener, 16) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    if (listener >= 0)
      close(listener);
    return absl::UnavailableError(
        absl::StrCat("cannot listen on 127.0.0.1: ", std::strerror(errno)));
  }
  std::unique_ptr<IwaServer> server(
      new IwaServer(directory, manifest.dump(), listener));
  server->port_ = ntohs(address.sin_port);
  if (pipe2(server->stop_, O_CLOEXEC) != 0)
    return absl::InternalError("pipe failed");
  server->thread_ = std::thread([raw = server.get()] { raw->Serve(); });
  return server;
}

IwaServer::IwaServer(std::string directory, std::string manifest, int listener)
    : directory_(std::move(directory)),
      manifest_(std::move(manifest)),
      icon_(SolidPng(144)),
      listener_(listener) {}

IwaServer::~IwaServer() {
  if (thread_.joinable()) {
    const char stop = 's';
    (void)!write(stop_[1], &stop, 1);
    thread_.join();
  }
  for (int fd : stop_) {
    if (fd >= 0)
      close(fd);
  }
  close(listener_);
}

void IwaServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (fds[1].revents != 0)
      return;
    const int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0)
      continue;
    Answer(connection);
    close(connection);
  }
}

void IwaServer::Answer(int connection) {
  // A request's head, bounded in size and time (a preconnect may never
  // send one).
  std::string request;
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.size() < 16384) {
    pollfd readable{connection, POLLIN, 0};
    if (poll(&readable, 1, 2000) != 1)
      return;
    char buffer[4096];
    const ssize_t n = recv(connection, buffer, sizeof(buffer), 0);
    if (n <= 0)
      return;
    request.append(buffer, static_cast<size_t>(n));
  }
  std::istringstream line(request.substr(0, request.find("\r\n")));
  std::string method, target;
  line >> method >> target;
  target = target.substr(0, target.find('?'));
  std::string body, type, status = "200 OK";
  if (target == "/") {
    body =
        "<!doctype html><link rel=manifest "
        "href=\"/.well-known/manifest.webmanifest\"><title>app</title>";
    type = "text/html";
  } else if (target == "/.well-known/manifest.webmanifest") {
    body = manifest_;
    type = "application/manifest+json";
  } else if (target == "/icon.png") {
    body = icon_;
    type = "image/png";
  } else if (IsAppFilePath(target.substr(1))) {
    std::ifstream file(directory_ + target, std::ios::binary);
    if (file.is_open()) {
      std::ostringstream contents;
      contents << file.rdbuf();
      body = contents.str();
      type = ContentTypeOf(target);
    } else {
      status = "404 Not Found";
    }
  } else {
    status = "404 Not Found";
  }
  WriteAll(connection,
           absl::StrCat("HTTP/1.1 ", status, "\r\nContent-Type: ", type,
                        "\r\nContent-Length: ", body.size(),
                        "\r\nCross-Origin-Opener-Policy: same-origin"
                        "\r\nCross-Origin-Embedder-Policy: require-corp"
                        "\r\nCross-Origin-Resource-Policy: same-origin"
                        "\r\nConnection: close\r\n\r\n",
                        method == "HEAD" ? "" : body));
}

}  // namespace tests

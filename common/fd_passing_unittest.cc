#include "common/fd_passing.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace common {
namespace {

TEST(FdPassingTest, CarriesTextAndADescriptor) {
  int control[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control), 0);
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ASSERT_TRUE(
      SendFdMessage(control[0], "isolated-app://abc", pipe_fds[1]).ok());
  auto message = ReceiveFdMessage(control[1]);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->text, "isolated-app://abc");
  // The received descriptor is the same pipe: a write shows at the other end.
  ASSERT_EQ(write(message->fd, "x", 1), 1);
  char byte = 0;
  ASSERT_EQ(read(pipe_fds[0], &byte, 1), 1);
  EXPECT_EQ(byte, 'x');
  EXPECT_TRUE(fcntl(message->fd, F_GETFD) & FD_CLOEXEC);
  close(message->fd);
  close(pipe_fds[0]);
  close(pipe_fds[1]);

  close(control[0]);
  auto eof = ReceiveFdMessage(control[1]);
  EXPECT_EQ(eof.status().code(), absl::StatusCode::kNotFound);
  close(control[1]);
}

TEST(FdPassingTest, CarriesTwoDescriptorsInOrder) {
  int control[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control), 0);
  int first[2], second[2];
  ASSERT_EQ(pipe(first), 0);
  ASSERT_EQ(pipe(second), 0);
  ASSERT_TRUE(SendFdMessage(control[0], "two", first[1], second[1]).ok());
  auto message = ReceiveFdMessage(control[1]);
  ASSERT_TRUE(message.ok()) << message.status();
  ASSERT_GE(message->second_fd, 0);
  ASSERT_EQ(write(message->fd, "1", 1), 1);
  ASSERT_EQ(write(message->second_fd, "2", 1), 1);
  char byte = 0;
  ASSERT_EQ(read(first[0], &byte, 1), 1);
  EXPECT_EQ(byte, '1');
  ASSERT_EQ(read(second[0], &byte, 1), 1);
  EXPECT_EQ(byte, '2');
  for (int fd : {message->fd, message->second_fd, first[0], first[1], second[0],
                 second[1], control[0], control[1]}) {
    close(fd);
  }
}

TEST(FdPassingTest, OneDescriptorLeavesTheSecondUnset) {
  int control[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control), 0);
  ASSERT_TRUE(SendFdMessage(control[0], "one", control[0]).ok());
  auto message = ReceiveFdMessage(control[1]);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->second_fd, -1);
  close(message->fd);
  close(control[0]);
  close(control[1]);
}

TEST(FdPassingTest, RefusesAMessageWithoutADescriptor) {
  int control[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control), 0);
  ASSERT_EQ(send(control[0], "text only", 9, 0), 9);
  auto message = ReceiveFdMessage(control[1]);
  EXPECT_EQ(message.status().code(), absl::StatusCode::kInvalidArgument);
  close(control[0]);
  close(control[1]);
}

}  // namespace
}  // namespace common

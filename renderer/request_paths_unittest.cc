// A socket's requests of one kind take the pipe or the stream, never both
// at once, and keep their order.
#include "renderer/request_paths.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace renderer {
namespace {

class RequestPathsTest : public ::testing::Test {
 protected:
  RequestPaths<std::string> paths_{{
      [this](uint64_t id, const std::string& request) {
        if (!pipe_takes_)
          return false;
        sent_.push_back(absl::StrCat("pipe ", id, " ", request));
        return true;
      },
      [this](uint64_t id, std::string request) {
        sent_.push_back(absl::StrCat("stream ", id, " ", request));
      },
      [this] { return open_; },
  }};
  bool pipe_takes_ = true;
  bool open_ = true;
  std::vector<std::string> sent_;
};

TEST_F(RequestPathsTest, ThePipeWhileItTakesThem) {
  paths_.Send(1, "a");
  paths_.Send(2, "b");
  EXPECT_EQ(sent_, (std::vector<std::string>{"pipe 1 a", "pipe 2 b"}));
}

TEST_F(RequestPathsTest, AFullPipeHoldsRequestsUntilItsOwnAreAnswered) {
  paths_.Send(1, "a");
  pipe_takes_ = false;
  paths_.Send(2, "b");  // Behind 1, which is on the pipe: waits.
  paths_.Send(3, "c");
  EXPECT_EQ(sent_, (std::vector<std::string>{"pipe 1 a"}));
  EXPECT_EQ(paths_.waiting(), 2u);
  paths_.OnResult(1);  // Nothing on the pipe now: the stream takes them.
  EXPECT_EQ(sent_,
            (std::vector<std::string>{"pipe 1 a", "stream 2 b", "stream 3 c"}));
  pipe_takes_ = true;
  paths_.Send(4, "d");  // Behind 2 and 3 on the stream: the stream too.
  EXPECT_EQ(sent_.back(), "stream 4 d");
  paths_.OnResult(2);
  paths_.OnResult(3);
  paths_.OnResult(4);
  paths_.Send(5, "e");  // Nothing on the stream now: the pipe again.
  EXPECT_EQ(sent_.back(), "pipe 5 e");
}

TEST_F(RequestPathsTest, NothingGoesOnceTheStreamIsOver) {
  open_ = false;
  paths_.Send(1, "a");
  EXPECT_TRUE(sent_.empty());
}

}  // namespace
}  // namespace renderer

#include "http/message.h"

#include "gtest/gtest.h"

namespace terrane::http {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;
using Segments = std::vector<std::string>;

TEST(ParseTargetTest, SplitsSegmentsAndDropsEmptyOnes) {
  Request req;
  ASSERT_TRUE(ParseTarget("/iacm/api//orgs/default/", req));
  EXPECT_EQ(req.segments, (Segments{"iacm", "api", "orgs", "default"}));
  EXPECT_TRUE(req.query.empty());
}

TEST(ParseTargetTest, RootHasNoSegments) {
  Request req;
  ASSERT_TRUE(ParseTarget("/", req));
  EXPECT_TRUE(req.segments.empty());
}

TEST(ParseTargetTest, EncodedSlashStaysInsideItsSegment) {
  Request req;
  ASSERT_TRUE(ParseTarget("/w/a%2Fb/state.tfstate/c%20d", req));
  EXPECT_EQ(req.segments, (Segments{"w", "a/b", "state.tfstate", "c d"}));
}

TEST(ParseTargetTest, DotSegmentsAreKeptVerbatim) {
  Request req;
  ASSERT_TRUE(ParseTarget("/a/./b/../c", req));
  EXPECT_EQ(req.segments, (Segments{"a", ".", "b", "..", "c"}));
}

TEST(ParseTargetTest, PlusIsLiteralInPathAndSpaceInQuery) {
  Request req;
  ASSERT_TRUE(ParseTarget("/a+b?q=x+y&r=1%2B1", req));
  EXPECT_EQ(req.segments, (Segments{"a+b"}));
  EXPECT_EQ(req.query, (Params{{"q", "x y"}, {"r", "1+1"}}));
}

TEST(ParseTargetTest, QueryDecodedOnceInOrderWithRepeats) {
  Request req;
  ASSERT_TRUE(ParseTarget("/x?ID=abc&a=b%2Fc&env=dev&a=%2541&flag", req));
  EXPECT_EQ(req.query,
            (Params{{"ID", "abc"}, {"a", "b/c"}, {"env", "dev"}, {"a", "%41"}, {"flag", ""}}));
  EXPECT_EQ(req.Query("a"), "b/c");
  EXPECT_EQ(req.Query("flag"), "");
  EXPECT_EQ(req.Query("id"), std::nullopt);  // case-sensitive
}

TEST(ParseTargetTest, EmptyQueryItemsAreDropped) {
  Request req;
  ASSERT_TRUE(ParseTarget("/x?&a=1&&b=&", req));
  EXPECT_EQ(req.query, (Params{{"a", "1"}, {"b", ""}}));
  ASSERT_TRUE(ParseTarget("/x?", req));
  EXPECT_TRUE(req.query.empty());
}

TEST(ParseTargetTest, RejectsInvalidPercentEncoding) {
  Request req;
  EXPECT_FALSE(ParseTarget("/a/%zz", req));
  EXPECT_FALSE(ParseTarget("/a%2", req));
  EXPECT_FALSE(ParseTarget("/a?x=%", req));
  EXPECT_FALSE(ParseTarget("/a?x=%g0", req));
}

TEST(ParseTargetTest, RejectsNonOriginForms) {
  Request req;
  EXPECT_FALSE(ParseTarget("", req));
  EXPECT_FALSE(ParseTarget("*", req));
  EXPECT_FALSE(ParseTarget("http://host/a", req));
  EXPECT_FALSE(ParseTarget("a/b", req));
  EXPECT_FALSE(ParseTarget("/a b", req));
  EXPECT_FALSE(ParseTarget("/a#frag", req));
}

TEST(ParseTargetTest, ClearsPreviousResults) {
  Request req;
  ASSERT_TRUE(ParseTarget("/a/b?x=1", req));
  ASSERT_TRUE(ParseTarget("/c", req));
  EXPECT_EQ(req.segments, (Segments{"c"}));
  EXPECT_TRUE(req.query.empty());
}

TEST(RequestTest, HeaderReturnsFirstMatch) {
  Request req;
  req.headers = {{"content-md5", "abc"}, {"x-api-key", "k1"}, {"x-api-key", "k2"}};
  EXPECT_EQ(req.Header("x-api-key"), "k1");
  EXPECT_EQ(req.Header("content-md5"), "abc");
  EXPECT_EQ(req.Header("authorization"), std::nullopt);
}

TEST(RequestTest, QueryListSplitsAtCommasAndRepeats) {
  Request req;
  ASSERT_TRUE(ParseTarget("/x?tags=a,b&tags=c&other=z&tags=,d,,e,&tags=", req));
  EXPECT_EQ(req.QueryList("tags"), (Segments{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(req.QueryList("other"), (Segments{"z"}));
  EXPECT_TRUE(req.QueryList("missing").empty());
}

TEST(RequestTest, QueryListKeepsEncodedCommasSplittable) {
  // Values are decoded before splitting, so "%2C" separates items like ",".
  Request req;
  ASSERT_TRUE(ParseTarget("/x?s=a%2Cb", req));
  EXPECT_EQ(req.QueryList("s"), (Segments{"a", "b"}));
}

}  // namespace
}  // namespace terrane::http

namespace terrane::http {
namespace {

TEST(ParseTargetTest, PlainPathShortcutAgreesWithTheGrammar) {
  for (std::string_view target :
       {"/", "//", "/a", "/a/", "//a//b//", "/iacm/api/orgs/default/projects/default/workspaces/w1",
        "/a/./b/../c", "/./", "/./a", "//./", "/.", "/..", "/a+b/c:d/@e/f;g=h/!$&'()*,",
        "/~user/x-y_z.z", "/a%2Fb", "/a?b=c",
        "/a b", "/a\x01", "/\xc3\xa9", "/a#frag", "/a[b]", "/a\"b", "/a%", "/a{b}", "*",
        "http://host/a", ""}) {
    Request fast, general;
    bool ok = ParseTarget(target, fast);
    EXPECT_EQ(ok, ParseTargetWithUrlGrammar(target, general)) << target;
    if (!ok) continue;
    EXPECT_EQ(fast.segments, general.segments) << target;
    EXPECT_EQ(fast.query, general.query) << target;
  }
}

}  // namespace
}  // namespace terrane::http

#include "model/audit.h"

#include <string>

#include "absl/status/status.h"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

namespace terrane::model {
namespace {

TEST(AuditOutcomeTest, FollowsTheHttpStatusClass) {
  EXPECT_EQ(AuditOutcomeForHttpStatus(200), AuditOutcome::kSuccess);
  EXPECT_EQ(AuditOutcomeForHttpStatus(204), AuditOutcome::kSuccess);
  EXPECT_EQ(AuditOutcomeForHttpStatus(401), AuditOutcome::kRefused);
  EXPECT_EQ(AuditOutcomeForHttpStatus(409), AuditOutcome::kRefused);
  EXPECT_EQ(AuditOutcomeForHttpStatus(423), AuditOutcome::kRefused);
  EXPECT_EQ(AuditOutcomeForHttpStatus(500), AuditOutcome::kFailed);
  EXPECT_EQ(AuditOutcomeForHttpStatus(503), AuditOutcome::kFailed);
}

TEST(AuditOutcomeTest, NamesRoundTrip) {
  for (AuditOutcome o : {AuditOutcome::kSuccess, AuditOutcome::kRefused, AuditOutcome::kFailed}) {
    EXPECT_EQ(ParseAuditOutcome(ToString(o)), o);
  }
  EXPECT_EQ(ToString(AuditOutcome::kRefused), "refused");
  EXPECT_EQ(ParseAuditOutcome("denied"), std::nullopt);
  EXPECT_EQ(ParseAuditOutcome(""), std::nullopt);
}

TEST(TruncateAuditMessageTest, KeepsShortMessagesAndCutsAtCodePoints) {
  EXPECT_EQ(TruncateAuditMessage("workspace 'a' is active"), "workspace 'a' is active");
  std::string exact(kMaxAuditMessageBytes, 'x');
  EXPECT_EQ(TruncateAuditMessage(exact), exact);
  // "é" is two bytes: the cut would fall between them and must move before it.
  std::string long_text = std::string(kMaxAuditMessageBytes - 1, 'x') + "\xC3\xA9" + "tail";
  std::string cut = TruncateAuditMessage(long_text);
  EXPECT_EQ(cut, std::string(kMaxAuditMessageBytes - 1, 'x'));
}

TEST(ParseAuditTimeTest, AcceptsMillisAgesDatesAndRfc3339) {
  const int64_t now = 1'800'000'000'000;
  EXPECT_EQ(*ParseAuditTime("1700000000000", now, "--since"), 1'700'000'000'000);
  EXPECT_EQ(*ParseAuditTime("0", now, "--since"), 0);
  EXPECT_EQ(*ParseAuditTime("90d", now, "--since"), now - 90 * 86'400'000LL);
  EXPECT_EQ(*ParseAuditTime("12h", now, "--since"), now - 12 * 3'600'000LL);
  EXPECT_EQ(*ParseAuditTime("30m", now, "--since"), now - 30 * 60'000LL);
  EXPECT_EQ(*ParseAuditTime("45s", now, "--since"), now - 45'000LL);
  EXPECT_EQ(*ParseAuditTime("2026-01-02", now, "--since"), 1'767'312'000'000);
  EXPECT_EQ(*ParseAuditTime("2026-01-02T00:00:01Z", now, "--since"), 1'767'312'001'000);
  EXPECT_EQ(*ParseAuditTime("2026-01-02T02:00:00+02:00", now, "--since"), 1'767'312'000'000);
}

TEST(ParseAuditTimeTest, RefusesOtherTextNamingTheFlag) {
  for (const char* text : {"", "yesterday", "10y", "-5", "5 d", "2026-13-45", "12hx"}) {
    absl::StatusOr<int64_t> got = ParseAuditTime(text, 0, "--before");
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(got.status().message().find("--before"), absl::string_view::npos) << text;
  }
}

TEST(AuditRecordToJsonTest, WritesEveryField) {
  AuditRecord r{.id = 7,
                .time = 1000,
                .account = "default",
                .actor_id = "0123456789abcdef",
                .actor = "api_key:ci",
                .remote = "127.0.0.1",
                .action = "workspace.delete",
                .method = "DELETE",
                .path = "/iacm/api/orgs/o/projects/p/workspaces/w",
                .org = "o",
                .project = "p",
                .workspace = "w",
                .run = "",
                .http_status = 409,
                .outcome = AuditOutcome::kRefused,
                .message = "workspace 'w' is active",
                .request_id = "abc123",
                .details = {{"serial", 3}}};
  EXPECT_EQ(boost::json::serialize(AuditRecordToJson(r)),
            R"({"id":7,"time":1000,"account":"default","actor":"api_key:ci",)"
            R"("actor_id":"0123456789abcdef","remote":"127.0.0.1","action":"workspace.delete",)"
            R"("method":"DELETE","path":"/iacm/api/orgs/o/projects/p/workspaces/w","org":"o",)"
            R"("project":"p","workspace":"w","run":"","status":409,"outcome":"refused",)"
            R"("message":"workspace 'w' is active","request_id":"abc123","details":{"serial":3}})");
}

}  // namespace
}  // namespace terrane::model

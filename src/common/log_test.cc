#include "common/log.h"

#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"

namespace terrane::log {
namespace {

std::string LogOnce(std::string_view message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_formatter(MakeFormatter());
  logger.info("lock={} by_key=k", message);
  return out.str();
}

// Regression: a terraform lock ID is chosen by the client and logged on force-unlock; one
// holding "\n" could append a forged line to the server log.
TEST(LogFormatTest, ControlCharactersCannotStartANewLine) {
  const std::string line = LogOnce("x\n2026-01-01T00:00:00.000Z info [auth] forged\r\t\x7f");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_NE(line.find("lock=x\\x0a2026-01-01T00:00:00.000Z info [auth] forged\\x0d\\x09\\x7f "
                      "by_key=k"),
            std::string::npos)
      << line;
}

TEST(LogFormatTest, KeepsPrintableTextAndUtf8) {
  const std::string line = LogOnce("caf\xc3\xa9 \"ok\"");
  EXPECT_NE(line.find(" info [test] lock=caf\xc3\xa9 \"ok\" by_key=k\n"), std::string::npos)
      << line;
  EXPECT_EQ(line[4], '-');  // starts with the date
}

}  // namespace
}  // namespace terrane::log

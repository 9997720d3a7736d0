#include "cli/table.h"

#include "gtest/gtest.h"

namespace terrane::cli {
namespace {

TEST(TableTest, AlignsColumnsAndUppercasesTheHeader) {
  Table t({"identifier", "status"});
  t.AddRow({"net", "active"});
  t.AddRow({"a-long-name", "inactive"});
  EXPECT_EQ(t.Render(),
            "IDENTIFIER   STATUS\n"
            "net          active\n"
            "a-long-name  inactive\n");
}

TEST(TableTest, PadsShortRowsAndTrimsTrailingSpaces) {
  Table t({"a", "b", "c"});
  t.AddRow({"x"});
  t.AddRow({"yy", "", "zzz"});
  EXPECT_EQ(t.Render(),
            "A   B  C\n"
            "x\n"
            "yy     zzz\n");
  EXPECT_EQ(t.rows(), 2u);
}

TEST(TableTest, EmptyTableIsTheHeaderOnly) { EXPECT_EQ(Table({"id"}).Render(), "ID\n"); }

TEST(TableTest, WidthCountsCodePointsNotBytes) {
  Table t({"name", "x"});
  t.AddRow({"\xC3\xA9t\xC3\xA9", "1"});  // "été": 3 code points, 5 bytes
  t.AddRow({"abcd", "2"});
  EXPECT_EQ(t.Render(), "NAME  X\n\xC3\xA9t\xC3\xA9   1\nabcd  2\n");
}

TEST(RenderFieldsTest, AlignsValues) {
  EXPECT_EQ(RenderFields({{"Name", "net"}, {"Status", "active"}, {"Empty", ""}}),
            "Name:   net\nStatus: active\nEmpty:\n");
}

TEST(FormatTest, TimesAndDurations) {
  EXPECT_EQ(FormatTime(0), "-");
  EXPECT_EQ(FormatTime(1767225600000), "2026-01-01 00:00:00");
  EXPECT_EQ(FormatDuration(850), "850ms");
  EXPECT_EQ(FormatDuration(12'345), "12.3s");
  EXPECT_EQ(FormatDuration(245'000), "4m05s");
  EXPECT_EQ(FormatDuration(3'720'000), "1h02m");
}

}  // namespace
}  // namespace terrane::cli

#include "runner/run_log.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace terrane::runner {
namespace {

TEST(MaskSecretsTest, MasksEveryOccurrenceLongestFirstAware) {
  EXPECT_EQ(MaskSecrets("a hunter2 b hunter2", {"hunter2"}), "a *** b ***");
  EXPECT_EQ(MaskSecrets("nothing here", {"", "zzz"}), "nothing here");
}

TEST(MaskSecretsTest, LongerSecretsFirstWhateverTheOrder) {
  EXPECT_EQ(MaskSecrets("key=abcdef", {"abc", "abcdef"}), "key=***");
}

TEST(SecretFormsTest, CoversJsonAndGoEscapes) {
  // terraform show -json writes "p&ss<w>rd\"x" as p\u0026ss\u003cw\u003erd\"x
  std::vector<std::string> forms = SecretForms("p&ss<w>rd\"x");
  EXPECT_EQ(forms, (std::vector<std::string>{"p&ss<w>rd\"x", "p&ss<w>rd\\\"x",
                                             "p\\u0026ss\\u003cw\\u003erd\\\"x"}));
  std::string plan_json = R"({"variables":{"pw":{"value":"p\u0026ss\u003cw\u003erd\"x"}}})";
  EXPECT_EQ(MaskSecrets(plan_json, forms), R"({"variables":{"pw":{"value":"***"}}})");
  EXPECT_EQ(SecretForms("plain"), std::vector<std::string>{"plain"});
  EXPECT_TRUE(SecretForms("").empty());
}

TEST(SecretFormsTest, MasksEachLineOfAMultiLineValue) {
  const std::string pem = "-----BEGIN KEY-----\nMIIEvQIBADANBg\nab\n-----END KEY-----\n";
  std::vector<std::string> forms = SecretForms(pem);
  // terraform prints each line of a command's output after its own prefix
  std::string log =
      "x (local-exec): -----BEGIN KEY-----\nx (local-exec): MIIEvQIBADANBg\nx (local-exec): ab\n";
  EXPECT_EQ(MaskSecrets(log, forms), "x (local-exec): ***\nx (local-exec): ***\nx (local-exec): ab\n");
  EXPECT_EQ(std::count(forms.begin(), forms.end(), "ab"), 0);  // too short to mask alone
}

}  // namespace
}  // namespace terrane::runner

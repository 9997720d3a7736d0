// Stand-in for libFuzzer's main when the build has no libFuzzer: runs the fuzz target over
// every file of the directories (or files) named on the command line, then over a fixed
// number of deterministic mutations of them. The same binary and seed give the same inputs,
// so a failure reproduces; a crash or a failed check aborts the process and fails the test.
//
// Usage: <target> [-runs=N] [-max_total_time=SECONDS] PATH...

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr uint64_t kDefaultRuns = 20000;
constexpr int kDefaultSeconds = 60;
constexpr uint64_t kSeed = 0x7e77a4e5eedULL;

// Fragments that tend to matter to JSON parsers, spliced in by the mutator.
constexpr std::string_view kTokens[] = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "false",
    "-1",
    "0",
    "1e999",
    "1.5",
    "\\u0000",
    "\\ud800",
    "\\\"",
    "\xff",
    "\"serial\"",
    "\"lineage\"",
    "\"resources\"",
    "\"mode\"",
    "\"managed\"",
    "\"instances\"",
    "\"attributes\"",
    "\"sensitive_attributes\"",
    "\"get_attr\"",
    "\"index\"",
    "\"ID\"",
    "\"identifier\"",
    "\"tags\"",
    "\"terraform_variables\"",
    "\"value\"",
    "\"key\"",
    "18446744073709551616",
    "\"operation\"",
    "\"targets\"",
    "\"replace\"",
    "\"approval_required\"",
    "\"secret\"",
    "\"spec\"",
    "\"SecretText\"",
    "\"Inline\"",
    "org.",
    "account.",
    "\"resource_changes\"",
    "\"resource_drift\"",
    "\"output_changes\"",
    "\"actions\"",
    "\"delete\"",
    "\"create\"",
};

// SplitMix64: tiny, deterministic, good enough to pick mutations.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

void Mutate(std::string& s, const std::vector<std::string>& corpus, Rng& rng) {
  const size_t pos = rng.Below(s.size() + 1);
  switch (rng.Below(8)) {
    case 0:
      if (!s.empty()) s[rng.Below(s.size())] ^= static_cast<char>(1u << rng.Below(8));
      break;
    case 1:
      if (!s.empty()) s[rng.Below(s.size())] = static_cast<char>(rng.Below(256));
      break;
    case 2:
      s.insert(pos, 1, static_cast<char>(rng.Below(256)));
      break;
    case 3:
      s.erase(pos, rng.Below(16) + 1);
      break;
    case 4: {
      const size_t len = rng.Below(32) + 1;
      const std::string piece = s.substr(rng.Below(s.size() + 1), len);
      s.insert(pos, piece);
      break;
    }
    case 5:
      s.insert(pos, kTokens[rng.Below(std::size(kTokens))]);
      break;
    case 6:
      s.resize(pos);
      break;
    default: {
      const std::string& other = corpus[rng.Below(corpus.size())];
      const size_t from = rng.Below(other.size() + 1);
      s = s.substr(0, pos) + other.substr(from);
      break;
    }
  }
}

bool ReadFile(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t runs = kDefaultRuns;
  int seconds = kDefaultSeconds;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("-runs=", 0) == 0) {
      runs = std::strtoull(argv[i] + 6, nullptr, 10);
    } else if (arg.rfind("-max_total_time=", 0) == 0) {
      seconds = std::atoi(argv[i] + 16);
    } else if (arg.rfind("-", 0) == 0) {
      continue;  // other libFuzzer flags mean nothing here
    } else if (std::error_code ec; std::filesystem::is_directory(argv[i], ec)) {
      for (std::filesystem::directory_iterator it(argv[i], ec), end; !ec && it != end;
           it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path());
      }
      if (ec) {
        std::fprintf(stderr, "cannot list %s: %s\n", argv[i], ec.message().c_str());
        return 2;
      }
    } else {
      files.emplace_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());  // directory order is not stable across machines

  std::vector<std::string> corpus;
  for (const auto& path : files) {
    std::string data;
    if (!ReadFile(path, data)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    Run(data);
    corpus.push_back(std::move(data));
  }
  if (corpus.empty()) corpus.emplace_back();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  Rng rng(kSeed);
  uint64_t done = 0;
  for (; done < runs; ++done) {
    if (done % 256 == 0 && std::chrono::steady_clock::now() > deadline) break;
    std::string input = corpus[rng.Below(corpus.size())];
    const size_t steps = rng.Below(4) + 1;
    for (size_t i = 0; i < steps; ++i) Mutate(input, corpus, rng);
    Run(input);
  }
  std::fprintf(stderr, "replayed %zu files and %llu mutations\n", files.size(),
               static_cast<unsigned long long>(done));
  return 0;
}

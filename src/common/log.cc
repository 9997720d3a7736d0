#include "common/log.h"

#include <mutex>
#include <string>

#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_color_sinks.h"

namespace terrane::log {
namespace {

// The `%*` flag: the message with bytes below 0x20 and 0x7f written as \xNN.
class EscapedMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : msg.payload) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte != 0x7f) {
        dest.push_back(c);
        continue;
      }
      const char escaped[] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
      dest.append(escaped, escaped + sizeof(escaped));
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<EscapedMessage>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeFormatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<EscapedMessage>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%n] %*");
  return formatter;
}

std::shared_ptr<spdlog::logger> Get(std::string_view module) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::string name(module);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_formatter(MakeFormatter());
  logger->set_level(spdlog::get_level());
  return logger;
}

void SetLevel(std::string_view level) {
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

}  // namespace terrane::log

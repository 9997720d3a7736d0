#include "common/log.h"

#include <mutex>
#include <string>

#include "spdlog/sinks/stdout_color_sinks.h"

namespace terrane::log {

std::shared_ptr<spdlog::logger> Get(std::string_view module) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::string name(module);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::get_level());
  return logger;
}

void SetLevel(std::string_view level) {
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

}  // namespace terrane::log

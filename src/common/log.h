// The logging facade: one spdlog logger per module, structured key=value fields.
// Never pass state bodies, API keys, Authorization headers, LockInfo `Who` or variable
// values to a log call. Control characters in a message (a client-chosen lock ID holding a
// newline, say) are written as \xNN, so one call is always one line and a client cannot forge
// log lines. Thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "spdlog/spdlog.h"

namespace terrane::log {

// Returns the logger for `module` ("http", "storage", ...), creating it on first use.
std::shared_ptr<spdlog::logger> Get(std::string_view module);

// The line format of every logger: UTC time, level, [module], escaped message.
std::unique_ptr<spdlog::formatter> MakeFormatter();

// Sets the level of every logger ("debug", "info", "warn", "error").
void SetLevel(std::string_view level);

}  // namespace terrane::log

// TERRANE_LOG(info, "http", "request done request_id={} status={}", id, status);
// The logger is looked up once per call site: Get() takes a process-wide lock.
#define TERRANE_LOG(level, module, ...)                              \
  do {                                                               \
    static const auto terrane_logger_ = ::terrane::log::Get(module); \
    terrane_logger_->level(__VA_ARGS__);                             \
  } while (0)

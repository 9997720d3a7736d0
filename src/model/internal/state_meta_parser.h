// Incremental reader of state metadata (serial, lineage, managed resources) on top of
// Boost.JSON's event parser: no tree is built and large strings are never copied, so a
// 256 MiB state costs one pass and a few bytes of memory. Not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "model/state.h"

namespace terrane::model::internal {

// Deepest nesting accepted in a state body: Boost's parser recurses once per level.
inline constexpr size_t kMaxStateDepth = 512;

class StateMetaParser {
 public:
  StateMetaParser();
  ~StateMetaParser();
  StateMetaParser(const StateMetaParser&) = delete;
  StateMetaParser& operator=(const StateMetaParser&) = delete;

  // Feeds the next piece of the body. After an error, further calls return it again.
  absl::Status Write(std::string_view chunk);
  // Ends the body and returns the metadata, or InvalidArgument with a readable reason.
  absl::StatusOr<StateMeta> Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace terrane::model::internal

#include "model/internal/state_meta_parser.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "boost/json/basic_parser_impl.hpp"
#include "model/internal/json_util.h"

namespace terrane::model::internal {

namespace json = boost::json;

namespace {

// Terraform lineages are UUIDs; a longer one is not a state worth storing.
constexpr size_t kMaxLineageLength = 1024;
// Keys and strings Terrane compares are short; longer ones are not buffered.
constexpr size_t kMaxWatchedLength = 16;

enum class Kind { kObject, kArray, kString, kNumber, kBool, kNull };

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kString:
      return "a string";
    case Kind::kNumber:
      return "a number";
    case Kind::kBool:
      return "a boolean";
    case Kind::kNull:
      return "null";
  }
  return "a value";
}

// Depth counts the containers open around an event: members of the top-level object are at
// depth 1, entries of `resources` at 2, and a resource object's own members at 3. Only those
// three places matter; everything else (attributes, outputs, ...) is skipped without copying.
class Handler {
 public:
  static constexpr size_t max_array_size = static_cast<size_t>(-1);
  static constexpr size_t max_object_size = static_cast<size_t>(-1);
  static constexpr size_t max_string_size = static_cast<size_t>(-1);
  static constexpr size_t max_key_size = static_cast<size_t>(-1);

  // basic_parser's handler interface.
  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code& ec) {
    if (!OnValue(Kind::kArray, ec)) return false;
    if (depth_ == 1 && top_key_ == TopKey::kResources) in_resources_ = true;
    ++depth_;
    return true;
  }
  bool on_array_end(size_t, json::error_code&) {
    --depth_;
    if (depth_ == 1) in_resources_ = false;
    return true;
  }
  bool on_object_begin(json::error_code& ec) {
    if (!OnValue(Kind::kObject, ec)) return false;
    if (depth_ == 2 && in_resources_) {
      in_resource_ = true;
      resource_managed_ = false;
    }
    ++depth_;
    return true;
  }
  bool on_object_end(size_t, json::error_code&) {
    --depth_;
    if (depth_ == 2 && in_resource_) {
      if (resource_managed_) ++meta_.managed_resources;
      in_resource_ = false;
    }
    return true;
  }
  bool on_string_part(json::string_view s, size_t, json::error_code& ec) {
    if (!in_string_) {
      if (!OnValue(Kind::kString, ec)) return false;
      in_string_ = true;
    }
    return Append(s, ec);
  }
  bool on_string(json::string_view s, size_t n, json::error_code& ec) {
    if (!on_string_part(s, n, ec)) return false;
    in_string_ = false;
    if (capture_ == Capture::kMode) {
      resource_managed_ = !buffer_overflow_ && buffer_ == "managed";
      ClearBuffer();
    }
    capture_ = Capture::kNone;
    return true;
  }
  bool on_key_part(json::string_view s, size_t, json::error_code&) {
    if (WatchesKeys()) Buffer(s);
    return true;
  }
  bool on_key(json::string_view s, size_t n, json::error_code& ec) {
    if (!WatchesKeys()) return true;
    on_key_part(s, n, ec);
    const std::string_view key = buffer_overflow_ ? std::string_view() : buffer_;
    if (depth_ == 1) {
      top_key_ = key == "serial"      ? TopKey::kSerial
                 : key == "lineage"   ? TopKey::kLineage
                 : key == "resources" ? TopKey::kResources
                                      : TopKey::kOther;
    } else {
      mode_key_ = key == "mode";
    }
    ClearBuffer();
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t i, json::string_view, json::error_code& ec) {
    if (!OnValue(Kind::kNumber, ec)) return false;
    if (IsSerial() && i < 0) return Fail(ec, NegativeSerial());
    if (IsSerial()) SetSerial(i);
    return true;
  }
  bool on_uint64(uint64_t u, json::string_view, json::error_code& ec) {
    if (!OnValue(Kind::kNumber, ec)) return false;
    if (!IsSerial()) return true;
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Fail(ec, "field 'serial' is too large");
    }
    SetSerial(static_cast<int64_t>(u));
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code& ec) {
    if (!OnValue(Kind::kNumber, ec)) return false;
    if (!IsSerial()) return true;
    // 2^63: the first double that no longer fits an int64.
    if (!(d >= 0 && d < 9223372036854775808.0 && std::floor(d) == d)) {
      return Fail(ec, NegativeSerial());
    }
    SetSerial(static_cast<int64_t>(d));
    return true;
  }
  bool on_bool(bool, json::error_code& ec) { return OnValue(Kind::kBool, ec); }
  bool on_null(json::error_code& ec) { return OnValue(Kind::kNull, ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  const std::string& error() const { return error_; }
  bool has_serial() const { return has_serial_; }
  bool has_lineage() const { return has_lineage_; }
  StateMeta& meta() { return meta_; }

 private:
  enum class TopKey { kOther, kSerial, kLineage, kResources };
  enum class Capture { kNone, kLineage, kMode };

  bool WatchesKeys() const { return depth_ == 1 || (depth_ == 3 && in_resource_); }
  bool IsSerial() const { return depth_ == 1 && top_key_ == TopKey::kSerial; }
  void SetSerial(int64_t serial) {
    meta_.serial = serial;
    has_serial_ = true;
  }
  static std::string NegativeSerial() { return "field 'serial' must be a non-negative integer"; }

  bool Fail(json::error_code& ec, std::string message) {
    error_ = std::move(message);
    ec = json::error::syntax;
    return false;
  }

  // Called once at the start of every value, before the depth moves.
  bool OnValue(Kind kind, json::error_code& ec) {
    if (depth_ == 0) {
      if (kind == Kind::kObject) return true;
      return Fail(ec, Cat("state must be a JSON object, got ", KindName(kind)));
    }
    if (depth_ == 1) {
      switch (top_key_) {
        case TopKey::kSerial:
          if (kind != Kind::kNumber) {
            return Fail(ec, Cat(NegativeSerial(), ", got ", KindName(kind)));
          }
          break;
        case TopKey::kLineage:
          if (kind != Kind::kString) {
            return Fail(ec, Cat("field 'lineage' must be a string, got ", KindName(kind)));
          }
          meta_.lineage.clear();
          has_lineage_ = true;
          capture_ = Capture::kLineage;
          break;
        case TopKey::kResources:
          if (kind != Kind::kArray && kind != Kind::kNull) {
            return Fail(ec, Cat("field 'resources' must be an array, got ", KindName(kind)));
          }
          // As in Go, a repeated key replaces the earlier value.
          meta_.managed_resources = 0;
          break;
        case TopKey::kOther:
          break;
      }
      return true;
    }
    if (depth_ == 3 && in_resource_ && mode_key_) {
      resource_managed_ = false;
      if (kind == Kind::kString) capture_ = Capture::kMode;
    }
    return true;
  }

  bool Append(json::string_view s, json::error_code& ec) {
    if (capture_ == Capture::kLineage) {
      if (meta_.lineage.size() + s.size() > kMaxLineageLength) {
        return Fail(ec, Cat("field 'lineage' is longer than ", kMaxLineageLength, " bytes"));
      }
      meta_.lineage.append(s.data(), s.size());
    } else if (capture_ == Capture::kMode) {
      Buffer(s);
    }
    return true;
  }

  void Buffer(json::string_view s) {
    if (buffer_overflow_ || buffer_.size() + s.size() > kMaxWatchedLength) {
      buffer_overflow_ = true;
      return;
    }
    buffer_.append(s.data(), s.size());
  }
  void ClearBuffer() {
    buffer_.clear();
    buffer_overflow_ = false;
  }

  size_t depth_ = 0;
  TopKey top_key_ = TopKey::kOther;
  bool mode_key_ = false;  // the last key of the current resource object was "mode"
  bool in_resources_ = false;
  bool in_resource_ = false;
  bool resource_managed_ = false;
  bool in_string_ = false;
  Capture capture_ = Capture::kNone;
  std::string buffer_;
  bool buffer_overflow_ = false;
  bool has_serial_ = false;
  bool has_lineage_ = false;
  std::string error_;
  StateMeta meta_;
};

json::parse_options StateParseOptions() {
  json::parse_options opts;
  opts.max_depth = kMaxStateDepth;
  return opts;
}

}  // namespace

struct StateMetaParser::Impl {
  Impl() : parser(StateParseOptions()) {}

  absl::Status Fail(const json::error_code& ec) {
    const std::string& error = parser.handler().error();
    status =
        absl::InvalidArgumentError(error.empty() ? Cat("state is not valid JSON: ", ec.message())
                                                 : Cat("state is not a terraform state: ", error));
    return status;
  }

  json::basic_parser<Handler> parser;
  absl::Status status;
  size_t offset = 0;
};

StateMetaParser::StateMetaParser() : impl_(std::make_unique<Impl>()) {}
StateMetaParser::~StateMetaParser() = default;

absl::Status StateMetaParser::Write(std::string_view chunk) {
  if (!impl_->status.ok() || chunk.empty()) return impl_->status;
  json::error_code ec;
  const size_t used = impl_->parser.write_some(true, chunk.data(), chunk.size(), ec);
  if (ec) return impl_->Fail(ec);
  impl_->offset += used;
  if (used < chunk.size()) {
    impl_->status = absl::InvalidArgumentError(
        Cat("state is not valid JSON: unexpected data after the top-level object at byte ",
            impl_->offset));
  }
  return impl_->status;
}

absl::StatusOr<StateMeta> StateMetaParser::Finish() {
  if (!impl_->status.ok()) return impl_->status;
  static constexpr char kNothing[] = "";
  json::error_code ec;
  impl_->parser.write_some(false, kNothing, 0, ec);
  if (ec) return impl_->Fail(ec);
  Handler& handler = impl_->parser.handler();
  if (!handler.has_serial()) {
    return absl::InvalidArgumentError("state is not a terraform state: field 'serial' is missing");
  }
  if (!handler.has_lineage()) {
    return absl::InvalidArgumentError("state is not a terraform state: field 'lineage' is missing");
  }
  return handler.meta();
}

}  // namespace terrane::model::internal

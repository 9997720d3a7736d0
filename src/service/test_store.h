// Test helper: a SqliteStore in a fresh temporary directory with the default tenancy.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/sqlite/sqlite_store.h"

namespace terrane::service {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/terrane-service-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto opened = storage::SqliteStore::Open(dir_ + "/terrane.db");
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->CreateAccount("default", 1).ok());
    ASSERT_TRUE(store_->CreateOrg({.account = "default", .identifier = "o", .name = "o"}).ok());
    ASSERT_TRUE(
        store_->CreateProject({.account = "default", .org = "o", .identifier = "p", .name = "p"})
            .ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<storage::Store> store_;
};

}  // namespace terrane::service

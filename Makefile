# The two commands of the README: `make run` and `make test`.
BUILD_TYPE ?= RelWithDebInfo
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= ./data

.PHONY: all deps build run test asan clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_EXTRA)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/terrane serve --listen $(LISTEN) --data-dir $(DATA_DIR)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# ASAN_CMAKE_EXTRA adds configure options to the sanitizer build (e.g. a compiler launcher)
# without replacing -DTERRANE_ASAN=ON; CMAKE_EXTRA given to `make asan` is passed on too.
asan:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug \
	  CMAKE_EXTRA="-DTERRANE_ASAN=ON $(CMAKE_EXTRA) $(ASAN_CMAKE_EXTRA)"

clean:
	rm -rf $(BUILD_DIR) build-asan

# terrane_cc_library(NAME SRCS ... HDRS ... DEPS ...)
# terrane_cc_test(NAME SRCS ... DEPS ...)
# Every target gets the project's strict warning set; sanitizers follow TERRANE_ASAN.

set(TERRANE_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
    -Wimplicit-fallthrough
    # Designated initializers that leave members defaulted are the house style (STYLE.md 11).
    -Wno-missing-field-initializers)

function(terrane_apply_flags target)
  target_compile_options(${target} PRIVATE ${TERRANE_WARNINGS})
  target_compile_definitions(${target} PUBLIC BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
  if(TERRANE_ASAN)
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

function(terrane_cc_library)
  cmake_parse_arguments(T "" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  add_library(${T_NAME} STATIC ${T_SRCS} ${T_HDRS})
  target_include_directories(${T_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${T_NAME} PUBLIC ${T_DEPS})
  terrane_apply_flags(${T_NAME})
endfunction()

function(terrane_cc_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT TERRANE_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main)
  terrane_apply_flags(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
endfunction()

#include "grammar/stack_guard.h"

#include <cstdint>

#include "grammar/sql_error.h"

namespace shardql {
namespace {
thread_local const char* stack_base = nullptr;

// The current frame's address: a fair reading of the stack position. (Returning the address of a
// local instead is undefined, and optimisers do turn it into null.)
[[gnu::noinline]] const char* CurrentStackPosition() {
  return static_cast<const char*>(__builtin_frame_address(0));
}
}  // namespace

StackDepthScope::StackDepthScope() {
  if (stack_base == nullptr) {
    stack_base = CurrentStackPosition();
    outermost_ = true;
  }
}

StackDepthScope::~StackDepthScope() {
  if (outermost_) stack_base = nullptr;
}

void CheckStackDepth() {
  if (stack_base == nullptr) return;
  auto base = reinterpret_cast<uintptr_t>(stack_base);
  auto here = reinterpret_cast<uintptr_t>(CurrentStackPosition());
  // Stacks grow down on every platform this builds for.
  if (here < base && base - here > kMaxStackDepthBytes) {
    SqlError error(sqlstate::kStatementTooComplex, "stack depth limit exceeded");
    error.hint = "The statement is nested too deeply; simplify it or split it up.";
    throw error;
  }
}

}  // namespace shardql

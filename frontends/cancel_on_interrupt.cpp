#include "frontends/cancel_on_interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace shardql {
namespace {

int pipe_fds[2] = {-1, -1};
std::atomic<Session*> active{nullptr};
struct sigaction previous;

void OnInterrupt(int) {
  char byte = 1;
  // Nothing to do if the pipe is full: a cancel is already on its way.
  [[maybe_unused]] ssize_t ignored = write(pipe_fds[1], &byte, 1);
}

// The thread that turns the handler's bytes into cancel requests; started once, lives as long
// as the process.
void StartWatcher() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (pipe(pipe_fds) != 0) return;
    fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
    std::thread([] {
      char byte;
      while (read(pipe_fds[0], &byte, 1) > 0) {
        if (Session* session = active.load()) session->Cancel();
      }
    }).detach();
  });
}

}  // namespace

CancelOnInterrupt::CancelOnInterrupt(Session& session) {
  StartWatcher();
  if (pipe_fds[1] < 0) return;
  active = &session;
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &previous);
}

CancelOnInterrupt::~CancelOnInterrupt() {
  if (pipe_fds[1] < 0) return;
  sigaction(SIGINT, &previous, nullptr);
  active = nullptr;
}

}  // namespace shardql

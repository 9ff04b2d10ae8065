#include "frontends/shell_signals.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace shardql::shell_signals {
namespace {

int pipe_fds[2] = {-1, -1};
std::atomic<Session*> running{nullptr};
volatile sig_atomic_t at_prompt = 0;
sigjmp_buf prompt_jump;
std::function<void()> exit_work;
pthread_t main_thread;

void Send(char byte) {
  // A full pipe means the same request is already on its way.
  [[maybe_unused]] ssize_t ignored = write(pipe_fds[1], &byte, 1);
}

void OnInterrupt(int signal) {
  // The kernel may hand a process's signal to any thread (a worker, the watcher); the jump back
  // to the prompt must happen on the thread that is reading it.
  if (!pthread_equal(pthread_self(), main_thread)) {
    pthread_kill(main_thread, signal);
    return;
  }
  if (at_prompt) {
    at_prompt = 0;
    siglongjmp(prompt_jump, 1);
  }
  Send(running.load() ? 'c' : 'i');
}

void OnTerminate(int signal) {
  Send(signal == SIGHUP ? 'h' : 't');
}

// Turns the handlers' bytes into cancels and exits; lives as long as the process.
void Watch() {
  char byte;
  while (read(pipe_fds[0], &byte, 1) > 0) {
    if (byte == 'c') {
      if (Session* session = running.load()) session->Cancel();
      continue;
    }
    if (exit_work) exit_work();
    _exit(128 + (byte == 'h' ? SIGHUP : byte == 't' ? SIGTERM : SIGINT));
  }
}

}  // namespace

void Install(std::function<void()> at_exit) {
  static std::once_flag once;
  std::call_once(once, [&] {
    exit_work = std::move(at_exit);
    main_thread = pthread_self();
    if (pipe(pipe_fds) != 0) return;
    fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
    std::thread(Watch).detach();
    struct sigaction action {};
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    action.sa_handler = OnInterrupt;
    sigaction(SIGINT, &action, nullptr);
    action.sa_handler = OnTerminate;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
  });
}

Running::Running(Session& session) {
  running = &session;
}

Running::~Running() {
  running = nullptr;
}

sigjmp_buf& PromptJump() {
  return prompt_jump;
}

void EnterPrompt() {
  at_prompt = 1;
}

void LeavePrompt() {
  at_prompt = 0;
}

}  // namespace shardql::shell_signals

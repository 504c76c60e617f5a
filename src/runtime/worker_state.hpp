// WorkerState: where a scheduler's worker thread is, as one value, and the
// moves between values that the scheduler makes.
//
//   from         to                         by
//   ----------   ------------------------   ---------------------------------
//   kRunning     kPolling, kSleeping,       own thread: parks (in the poller;
//                kPatient, kWatching        else on its condition variable)
//                kStopped                   own: its loop ends
//   kOwesWatch   kRunning                   own: hands the watch on, or parks
//                kStopped                   own: its loop ends
//   kPolling     kOwesWatch                 own: waited, ran what it read
//                kRunning                   own: another thread had the poller
//                kNotified                  other: new work, or stop()
//   kSleeping    kWatchCheck                other: hands the watch on to it
//                kNotified                  other
//   kPatient     kRunning                   own: patience over
//                kNotified                  other
//   kWatchCheck  kWatching                  own
//                kNotified                  other
//   kWatching    kSleeping                  own: the poller was watched a while
//                kPolling                   own: a worker is stuck, take over
//                kRunning                   own: the scheduler stops
//                kNotified                  other
//   kNotified    kRunning, kOwesWatch       own: back awake
//
// allowedMoves() below is this table as code; Scheduler checks every move
// against it in debug builds. Who moves a worker matters:
//
// - The worker's own thread makes every move but two, those into
//   kNotified (wakeOne(), stop()) and kSleeping -> kWatchCheck (a worker
//   handing the watch on). Those two are made by other threads, under the
//   worker's park mutex, and only while the worker is parked; the worker's
//   own moves into and out of parked states are made under that mutex too.
// - kRunning and kOwesWatch are never looked at by other threads except to
//   see that the worker is not parked, so the worker leaves them without
//   the mutex.
#pragma once

#include <cstdint>

namespace process::detail {

enum class WorkerState : uint8_t {
  // Awake: looking for work, spinning, or running a process.
  kRunning,
  // Awake, and it left a blocking wait in the poller (on which parked
  // workers rely to watch the sockets) to run what it read: before running
  // anything it hands the watch on.
  kOwesWatch,
  // Parked in Poller::wait(): it watches the sockets; interrupt() wakes it.
  kPolling,
  // Parked on its condition variable until notified, or asked to check on
  // the watch.
  kSleeping,
  // Parked on its condition variable for at most the slot patience (1 ms):
  // a process waits in a busy worker's LIFO slot, and it may take it.
  kPatient,
  // Sleeping, and asked by a worker that left the poller to check now and
  // then whether that worker is stuck in a long turn.
  kWatchCheck,
  // Parked, waking every millisecond to see whether a worker has been in
  // one turn for a whole check while nobody blocks in the poller (it then
  // takes the poller over), until the poller has been watched a while.
  kWatching,
  // Woken by another thread (work appeared, or the scheduler stops); on its
  // way back to kRunning.
  kNotified,
  // Its loop has ended (the scheduler stopped). Final.
  kStopped,
};

inline constexpr int kWorkerStates = 9;

constexpr const char* toString(WorkerState state) {
  switch (state) {
    case WorkerState::kRunning:
      return "kRunning";
    case WorkerState::kOwesWatch:
      return "kOwesWatch";
    case WorkerState::kPolling:
      return "kPolling";
    case WorkerState::kSleeping:
      return "kSleeping";
    case WorkerState::kPatient:
      return "kPatient";
    case WorkerState::kWatchCheck:
      return "kWatchCheck";
    case WorkerState::kWatching:
      return "kWatching";
    case WorkerState::kNotified:
      return "kNotified";
    case WorkerState::kStopped:
      return "kStopped";
  }
  return "?";
}

// Parked: asleep in the poller or on the condition variable.
constexpr bool isParked(WorkerState state) {
  return state != WorkerState::kRunning && state != WorkerState::kOwesWatch &&
         state != WorkerState::kStopped;
}

namespace worker_state {

constexpr uint32_t bit(WorkerState state) {
  return 1U << static_cast<unsigned>(state);
}

// allowedMoves()[from] is the set of states a worker may move to from
// `from`, as bits.
constexpr uint32_t allowedMoves(WorkerState from) {
  using S = WorkerState;
  // From an awake state a worker parks (in the poller, or on its condition
  // variable: plainly, patiently, or watching at once because the poller
  // is only held for a moment), or ends.
  constexpr uint32_t kParks = bit(S::kPolling) | bit(S::kSleeping) |
                              bit(S::kPatient) | bit(S::kWatching);
  switch (from) {
    case S::kRunning:
      return kParks | bit(S::kStopped);
    case S::kOwesWatch:
      // Hands the watch on before running; or, finding nothing to run,
      // parks, which settles the debt (a parking worker watches, or checks
      // on the watch), through kRunning; or ends.
      return bit(S::kRunning) | bit(S::kStopped);
    case S::kPolling:
      // The wait ends: it ran what the network had (owes the watch), or
      // it returned at once because another thread had the poller (back
      // awake, to sleep instead); or it is woken.
      return bit(S::kOwesWatch) | bit(S::kRunning) | bit(S::kNotified);
    case S::kSleeping:
      return bit(S::kWatchCheck) | bit(S::kNotified);
    case S::kPatient:
      return bit(S::kRunning) | bit(S::kNotified);
    case S::kWatchCheck:
      return bit(S::kWatching) | bit(S::kNotified);
    case S::kWatching:
      // Quiet for long enough (sleeps), someone stuck (takes the poller),
      // the scheduler stopping (awake, to leave), or woken.
      return bit(S::kSleeping) | bit(S::kPolling) | bit(S::kRunning) |
             bit(S::kNotified);
    case S::kNotified:
      // A worker woken out of a wait in which it ran what the network had
      // still owes the watch.
      return bit(S::kRunning) | bit(S::kOwesWatch);
    case S::kStopped:
      return 0;
  }
  return 0;
}

constexpr bool allowed(WorkerState from, WorkerState to) {
  return (allowedMoves(from) & bit(to)) != 0;
}

}  // namespace worker_state

// Told of every move of every worker, for tests. Called on the moving
// thread, mostly under the worker's park mutex: it must not call back into
// the scheduler.
class WorkerStateListener {
 public:
  virtual ~WorkerStateListener() = default;
  virtual void moved(int worker, WorkerState from, WorkerState to) = 0;
};

}  // namespace process::detail

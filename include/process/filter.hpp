// Filter: sees every event a process takes off its mailbox, before the
// process handles it, and may drop it. Tests use it (through the macros of
// <process/gmock.hpp>) to wait for or drop messages, dispatches, HTTP
// requests and exit notices; one filter at a time, for the whole OS process:
//
//   class DropPings : public process::Filter {
//    public:
//     bool filter(const UPID& process, const MessageEvent& event) override {
//       return event.message.name == "ping";  // true: dropped
//     }
//   };
//   DropPings drops;
//   process::filter(&drops);    // every context's processes, from now on
//   ...
//   process::filter(nullptr);   // returns once no event is being filtered
//
// As in libprocess, a filter sees local and remote messages, dispatches
// (DispatchEvent::functionType names a dispatched method's type), HTTP
// requests for a route, and exit notices, on the receiving process's worker,
// under one process-wide recursive mutex: so it may satisfy futures whose
// callbacks install expectations again. A dropped dispatch's future is
// abandoned and a dropped HTTP request answered 500, as libprocess's.
// Timers, terminations and links are not filtered. Installed, it costs every
// event a lock; with none installed, one atomic load.
#pragma once

#include <process/event.hpp>
#include <process/pid.hpp>

namespace process {

class Filter {
 public:
  Filter() = default;
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;
  virtual ~Filter() = default;

  // True drops the event: `process` never sees it.
  virtual bool filter(const UPID& /*process*/, const MessageEvent& /*event*/) {
    return false;
  }
  virtual bool filter(const UPID& /*process*/, const DispatchEvent& /*event*/) {
    return false;
  }
  virtual bool filter(const UPID& /*process*/, const HttpEvent& /*event*/) {
    return false;
  }
  virtual bool filter(const UPID& /*process*/, const ExitedEvent& /*event*/) {
    return false;
  }

  // What the runtime calls: hands the event to the overload for its kind.
  virtual bool filter(const UPID& process, Event* event) {
    struct Router final : EventVisitor {
      Router(Filter* filter, const UPID& process)
          : filter(filter), process(process) {}
      void visit(const MessageEvent& event) override {
        dropped = filter->filter(process, event);
      }
      void visit(const DispatchEvent& event) override {
        dropped = filter->filter(process, event);
      }
      void visit(const HttpEvent& event) override {
        dropped = filter->filter(process, event);
      }
      void visit(const ExitedEvent& event) override {
        dropped = filter->filter(process, event);
      }
      Filter* filter;
      const UPID& process;
      bool dropped = false;
    } router(this, process);
    event->visit(&router);
    return router.dropped;
  }
};

// Installs `filter` for every process of every context (nullptr removes it).
// Returns once no thread is inside the previous filter any more, so the
// caller may then delete it. The filter is not owned.
void filter(Filter* filter);

}  // namespace process

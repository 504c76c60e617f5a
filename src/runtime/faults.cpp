// The fault injector: the table of rules, the nodes of this OS process, the
// hooks' entry points and the Clock timers that deliver late, flush reorder
// windows and time a cut's silence.
#include "runtime/faults.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include <process/clock.hpp>
#include <process/detail/deliver.hpp>
#include <process/stringify.hpp>

#include "runtime/events.hpp"
#include "runtime/fault_rule.hpp"
#include "runtime/runtime.hpp"

namespace process::detail::faults {

std::atomic<uint32_t> rulesInForce{0};

// A context as the injector knows it. What is delivered later runs under
// `mutex` while `alive`, so it never reaches a context that has stopped.
struct Node {
  ContextImpl* context = nullptr;
  Address address;
  Duration peerTimeout;
  // Recursive: a delivery may run a receiver inline that sends again.
  std::recursive_mutex mutex;
  bool alive = true;
};

namespace {

using Key = std::pair<Address, Address>;

// The table and the nodes; made once, never destroyed (timers may still
// run as statics are destroyed).
struct Table {
  std::mutex mutex;
  std::map<Key, std::shared_ptr<Rule>> rules;
  std::vector<std::shared_ptr<Node>> nodes;
};

Table& table() {
  static auto* made = new Table();
  return *made;
}

// Table lock held.
std::shared_ptr<Node> nodeAtLocked(const Address& address) {
  for (const auto& node : table().nodes) {
    if (node->address == address) {
      return node;
    }
  }
  return nullptr;
}

std::shared_ptr<Node> nodeAt(const Address& address) {
  std::lock_guard<std::mutex> guard(table().mutex);
  return nodeAtLocked(address);
}

// Later, on a timer or the test's thread: only if the node still runs.
void runDeferred(const std::shared_ptr<Node>& node,
                 const std::function<void()>& f) {
  std::lock_guard<std::recursive_mutex> guard(node->mutex);
  if (node->alive) {
    f();
  }
}

void execute(const std::shared_ptr<Rule>& rule, Rule::Outcome outcome,
             bool inHook);

// A late message arrives, unless a cut began meanwhile.
void arrive(const std::shared_ptr<Rule>& rule, Pending pending) {
  {
    std::lock_guard<std::mutex> guard(rule->mutex);
    if (rule->isCut) {
      rule->held.push_back(std::move(pending));
      return;
    }
  }
  runDeferred(pending.node, pending.deliver);
}

void execute(const std::shared_ptr<Rule>& rule, Rule::Outcome outcome,
             bool inHook) {
  for (Pending& dropped : outcome.dropped) {
    runDeferred(dropped.node, dropped.lost);
  }
  const Time now = Clock::now();
  for (Rule::Scheduled& arrival : outcome.arrivals) {
    if (arrival.due > now) {
      Clock::timer(arrival.due,
                   [rule, pending = std::move(arrival.pending)]() mutable {
                     arrive(rule, std::move(pending));
                   });
    } else if (inHook) {
      // The hook runs in the node: it is alive.
      arrival.pending.deliver();
    } else {
      runDeferred(arrival.pending.node, arrival.pending.deliver);
    }
  }
  if (outcome.windowStarted) {
    uint64_t epoch = 0;
    Duration hold;
    {
      std::lock_guard<std::mutex> guard(rule->mutex);
      epoch = rule->windowEpoch;
      hold = rule->reorderHold;
    }
    Clock::timer(hold, [rule, epoch] {
      Rule::Outcome flushed;
      {
        std::lock_guard<std::mutex> guard(rule->mutex);
        flushed = rule->flushWindow(epoch, Clock::now());
      }
      execute(rule, std::move(flushed), false);
    });
  }
}

// Tells the linkers on node `silent`'s far side that the link is broken,
// from the linkee: it forgets them, so its own exit later is not heard
// twice. In memory only; a link over a socket lives on the Peer.
class ForgetLinkersFrom final : public Event {
 public:
  explicit ForgetLinkersFrom(const Address& node) : node_(node) {}
  void run(ProcessBase& process) override {
    std::vector<UPID>& linkers = Runtime::extras(process).linkers;
    const UPID self = process.self();
    std::erase_if(linkers, [&](const UPID& linker) {
      if (linker.address != node_) {
        return false;
      }
      // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
      deliver(linker, new QueuedExit(self));
      return true;
    });
  }

 private:
  Address node_;
};

void armSilence(const std::shared_ptr<Rule>& rule,
                const std::shared_ptr<Node>& node, uint64_t epoch);

// The cut has lasted the applying node's peer timeout.
void onSilence(const std::shared_ptr<Rule>& rule,
               const std::shared_ptr<Node>& node, uint64_t epoch) {
  std::deque<Pending> lost;
  {
    std::lock_guard<std::mutex> guard(rule->mutex);
    if (!rule->isCut || rule->cutEpoch != epoch) {
      return;
    }
    lost.swap(rule->held);
    armSilence(rule, node, epoch);  // and again while the cut lasts
  }
  for (const Pending& pending : lost) {
    // A cut outlasted the peer timeout.
    runDeferred(pending.node, pending.lost);
  }
  if (node->address != rule->from) {
    return;  // the receiving end applies it: the sender is not ours
  }
  const std::string reason =
      "silent for " + stringify(node->peerTimeout) + " (injected cut)";
  runDeferred(node,
              [&] { node->context->transport->failPeer(rule->to, reason); });
  if (std::shared_ptr<Node> far = nodeAt(rule->to)) {
    runDeferred(far, [&] {
      for (const UPID& pid : far->context->registry.snapshot()) {
        deliver(pid, new ForgetLinkersFrom(rule->from));
      }
    });
  }
}

// Rule lock held.
void armSilence(const std::shared_ptr<Rule>& rule,
                const std::shared_ptr<Node>& node, uint64_t epoch) {
  rule->silence = Clock::timer(
      node->peerTimeout, [rule, node, epoch] { onSilence(rule, node, epoch); });
}

std::shared_ptr<Rule> find(const Address& from, const Address& to,
                           bool create) {
  std::lock_guard<std::mutex> guard(table().mutex);
  auto found = table().rules.find({from, to});
  if (found != table().rules.end()) {
    return found->second;
  }
  if (!create) {
    return nullptr;
  }
  auto rule = std::make_shared<Rule>(from, to);
  table().rules.emplace(Key{from, to}, rule);
  rulesInForce.fetch_add(1, std::memory_order_release);
  return rule;
}

// A rule with no fault left leaves the table: the hooks skip again.
void retireIfIdle(const std::shared_ptr<Rule>& rule) {
  std::lock_guard<std::mutex> guard(table().mutex);
  std::lock_guard<std::mutex> ruleGuard(rule->mutex);
  auto found = table().rules.find({rule->from, rule->to});
  if (rule->idle() && found != table().rules.end() && found->second == rule) {
    table().rules.erase(found);
    rulesInForce.fetch_sub(1, std::memory_order_release);
  }
}

// What a heal or a clear let go: through the rule's faults (if not yet),
// in the order it was sent.
void release(const std::shared_ptr<Rule>& rule, std::deque<Pending> released) {
  Rule::Outcome all;
  {
    std::lock_guard<std::mutex> guard(rule->mutex);
    const Time now = Clock::now();
    for (Pending& pending : released) {
      Rule::Outcome one = rule->admit(std::move(pending), now);
      for (auto& arrival : one.arrivals) {
        all.arrivals.push_back(std::move(arrival));
      }
      for (auto& dropped : one.dropped) {
        all.dropped.push_back(std::move(dropped));
      }
      all.windowStarted = all.windowStarted || one.windowStarted;
    }
  }
  execute(rule, std::move(all), false);
}

// A link or exit notice in memory: held by a cut, else the caller's.
bool holdControl(const Match& match, std::function<void()> deliver,
                 std::function<void()> lost) {
  std::lock_guard<std::mutex> guard(match.rule->mutex);
  if (!match.rule->isCut) {
    return false;
  }
  match.rule->held.push_back(
      Pending{std::move(deliver), std::move(lost), match.node, 0, true, false});
  return true;
}

// A heal or a clear: what the rule held goes on, and an idle rule leaves.
void letGo(const Address& from, const Address& to,
           std::deque<Pending> (Rule::*take)()) {
  std::shared_ptr<Rule> rule = find(from, to, false);
  if (rule == nullptr) {
    return;
  }
  std::deque<Pending> released;
  {
    std::lock_guard<std::mutex> guard(rule->mutex);
    released = ((*rule).*take)();
  }
  release(rule, std::move(released));
  retireIfIdle(rule);
}

}  // namespace

void attach(ContextImpl& context, const Duration& peerTimeout) {
  auto node = std::make_shared<Node>();
  node->context = &context;
  node->address = context.address;
  node->peerTimeout = peerTimeout;
  std::lock_guard<std::mutex> guard(table().mutex);
  table().nodes.push_back(std::move(node));
}

void detach(ContextImpl& context) {
  std::shared_ptr<Node> node;
  {
    std::lock_guard<std::mutex> guard(table().mutex);
    auto& nodes = table().nodes;
    auto found = std::find_if(nodes.begin(), nodes.end(), [&](const auto& n) {
      return n->context == &context;
    });
    if (found == nodes.end()) {
      return;
    }
    node = *found;
    nodes.erase(found);
  }
  std::lock_guard<std::recursive_mutex> guard(node->mutex);
  node->alive = false;
}

Match match(const Host& host, Side side, const Address& peer) {
  std::lock_guard<std::mutex> guard(table().mutex);
  std::shared_ptr<Node> node;
  for (const auto& candidate : table().nodes) {
    if (static_cast<const Host*>(candidate->context) == &host) {
      node = candidate;
    }
  }
  if (node == nullptr) {
    return {};
  }
  if (side == Side::kReceiving && nodeAtLocked(peer) != nullptr) {
    return {};  // its sender, a node of ours, applied the rule
  }
  const Key key = side == Side::kSending ? Key{node->address, peer}
                                         : Key{peer, node->address};
  auto found = table().rules.find(key);
  if (found == table().rules.end()) {
    return {};
  }
  return Match{found->second, node};
}

void admitMessage(const Match& match, std::function<void()> deliver,
                  size_t bytes) {
  std::shared_ptr<Node> node = match.node;
  // Counted where the rule is applied.
  auto lost = [node] { node->context->countDropped(DropReason::kInjected, 1); };
  Rule::Outcome outcome;
  {
    std::lock_guard<std::mutex> guard(match.rule->mutex);
    outcome = match.rule->admit(
        Pending{std::move(deliver), lost, node, bytes, false, false},
        Clock::now());
  }
  execute(match.rule, std::move(outcome), true);
}

bool sendInMemory(ContextImpl& context, const UPID& from, const UPID& to,
                  const std::string& name, std::string& body) {
  const Match found = match(context, Side::kSending, to.address);
  if (!found) {
    return false;
  }
  const size_t bytes = name.size() + body.size();
  admitMessage(
      found,
      [from, to, name, body = std::move(body)] {
        deliver(to, new QueuedMessage(from, name, body));
      },
      bytes);
  return true;
}

bool linkInMemory(ContextImpl& context, const UPID& linker,
                  const UPID& linkee) {
  const Match found = match(context, Side::kSending, linkee.address);
  return found &&
         holdControl(
             found,
             [linker, linkee] {
               deliver(linkee, new LinkEvent(linker, linkee));
             },
             [linker, linkee] { deliver(linker, new QueuedExit(linkee)); });
}

bool exitInMemory(ContextImpl& context, const UPID& linker,
                  const UPID& linkee) {
  const Match found = match(context, Side::kSending, linker.address);
  auto notice = [linker, linkee] { deliver(linker, new QueuedExit(linkee)); };
  return found && holdControl(found, notice, notice);
}

void cut(const Address& from, const Address& to) {
  std::shared_ptr<Rule> rule = find(from, to, true);
  std::shared_ptr<Node> node = nodeAt(from);
  if (node == nullptr) {
    node = nodeAt(to);
  }
  std::lock_guard<std::mutex> guard(rule->mutex);
  if (rule->cut() && node != nullptr) {
    armSilence(rule, node, rule->cutEpoch);
  }
}

void heal(const Address& from, const Address& to) {
  letGo(from, to, &Rule::heal);
}

void configure(const Address& from, const Address& to,
               const std::function<void(Rule&)>& edit) {
  std::shared_ptr<Rule> rule = find(from, to, true);
  {
    std::lock_guard<std::mutex> guard(rule->mutex);
    edit(*rule);
  }
  retireIfIdle(rule);
}

void clear(const Address& from, const Address& to) {
  letGo(from, to, &Rule::clear);
}

}  // namespace process::detail::faults

// The edge's native front door: the listening socket, read and answered on threads of their own,
// for the requests that are a plain fresh hit on an object the JavaScript side has published here.
// node/native-front.ts is its only user and documents the contract; node/front-door.ts is the same
// door in JavaScript, the reference this one is held to (tests/edge/native-front.test.ts).
//
// WHY: a viewer's request is mostly a hit on a ~1 KB live playlist or on a segment already in
// memory, one request per wake-up. In JavaScript each such wake-up costs the process ~40 µs of
// its own code over the kernel's part (README, Benchmarks), where nginx pays a few. Here a hit
// runs no JavaScript: one read, a table lookup, one writev.
//
// WHAT IT ANSWERS: only what JavaScript published (native-front.ts: the store's entries the fast
// path would answer as they are, with their answers pre-rendered by the same writer node:http's
// bytes are held to), only while JavaScript said it may (time windows: fresh, fresh but due for a
// background refresh, stale while revalidated), only for a GET or HEAD whose head this reader is
// sure of, which names nothing that would change the answer. Everything else, at once, hands the
// connection over to JavaScript (its file descriptor and the bytes not answered), which gives it
// to node:http as the JavaScript front door does: so node:http's parser judges anything odd, and
// a connection held here is always between two requests.
//
// WHAT IT LEAVES TO JAVASCRIPT, in batches: each answer's record (metrics, access log, audience),
// the background refresh a hit calls for, the 408 of a connection that sent nothing in time.
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

// Bytes the door writes: a head it made, or a published body.
class Chunk {
 public:
  virtual ~Chunk() = default;
  const char* data() const { return bytes; }
  size_t size() const { return length; }
  bool empty() const { return length == 0; }

 protected:
  const char* bytes = nullptr;
  size_t length = 0;
};
using Bytes = std::shared_ptr<const Chunk>;

class OwnedChunk final : public Chunk {
 public:
  explicit OwnedChunk(std::string from) : text(std::move(from)) {
    bytes = text.data();
    length = text.size();
  }

 private:
  std::string text;
};

// References to JavaScript buffers, which only the JavaScript thread may drop. A body's last owner
// may be the door's thread (an answer still being written after the entry was withdrawn): it leaves
// the reference here, and the JavaScript thread drops it at its next call or event.
struct Releases {
  std::mutex mutex;
  std::vector<napi_ref> refs;
  std::atomic<bool> waiting{false};  // refs is not empty: what the door's loop reads, without the lock
  std::atomic<bool> posted{false};   // an event is on its way to drain them
  std::atomic<size_t> held{0};       // references made and not dropped yet (stats)

  void add(napi_ref ref) {
    std::lock_guard<std::mutex> lock(mutex);
    refs.push_back(ref);
    waiting.store(true);
  }
  bool pending() const { return waiting.load(std::memory_order_relaxed); }
  void drain(napi_env env) {
    std::vector<napi_ref> now;
    {
      std::lock_guard<std::mutex> lock(mutex);
      now.swap(refs);
      waiting.store(false);
    }
    for (napi_ref ref : now) napi_delete_reference(env, ref);
    held -= now.size();
  }
};

// A published body read in place: the memory tier's own bytes, kept alive by a reference to their
// Buffer, so a cached object is held once in the process, not once more by the door.
class HeldChunk final : public Chunk {
 public:
  HeldChunk(const void* data, size_t size, napi_ref held, std::shared_ptr<Releases> to)
      : ref(held), releases(std::move(to)) {
    bytes = static_cast<const char*>(data);
    length = size;
  }
  ~HeldChunk() override { releases->add(ref); }

 private:
  napi_ref ref;
  std::shared_ptr<Releases> releases;
};

double nowSeconds() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double monotonicSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// ---- What JavaScript publishes -----------------------------------------------------------------

// An answer's head with its two per-request values left out: parts[0] Age parts[1] [Date parts[2]].
struct Head {
  std::string parts[3];
  int count = 0;  // 2: no Date slot (the stored fields have one); 3: a Date slot
};

// One result of an entry (fresh: HIT or NEGATIVE; stale: STALE), for GET and for HEAD.
struct Answer {
  Head get;
  Head head;
  uint8_t result = 0;  // as native-front.ts numbers them
  bool present = false;
};

struct Entry {
  uint16_t status = 200;
  Bytes body;  // the GET answer's body as framed; null: none
  int32_t recordBytes = -1;  // the body's length as the record counts it (HEAD too); -1: bodyless status
  double ageOffset = 0;  // Age at time t is floor(ageOffset + t)
  double refreshAt = 0;  // from then on, a hit asks JavaScript for a background refresh
  double freshEnd = 0;   // fresh before it
  double staleEnd = 0;   // stale but served (while revalidated) up to it, when `stale` is present
  Answer fresh;
  Answer stale;
  Answer waited;  // the fresh answer for a request that waited for the fill (x-cache: COLLAPSED)
  std::atomic<double> lastRefreshAsk{0};  // monotonic; asks are at most one per 100 ms per entry (any loop)
};

// ---- Events for JavaScript ---------------------------------------------------------------------

// kRelease is the add-on's own: it drains `releases` on the JavaScript thread, and calls nobody.
enum EventKind { kHandOff = 1, kRefresh = 2, kRecords = 3, kTimedOut = 4, kWanted = 6, kRelease = 7 };

struct Event {
  Event(int k, double n, std::string b, std::string t, std::shared_ptr<Releases> r = nullptr)
      : kind(k), num(n), bytes(std::move(b)), text(std::move(t)), releases(std::move(r)) {}
  int kind;
  double num = 0;
  std::string bytes;
  std::string text;
  std::shared_ptr<Releases> releases;  // kRelease
};

// ---- Connections -------------------------------------------------------------------------------

struct Out {
  Bytes data;
  size_t offset = 0;
};

struct Conn {
  int fd = -1;
  std::string in;
  std::vector<Out> out;  // what is still to write, in order
  bool answered = false;
  bool reading = true;   // EPOLLIN wanted
  bool closeAfterWrite = false;
  bool broken = false;  // a write failed: dropped once the answer in progress is recorded
  const char* handOffReason = nullptr;  // hand over once `out` is written
  double lastActive = 0;                // monotonic
  std::string address;
  // Waiting for JavaScript to publish `waitingFor` (a fill it started, kWanted) or to give it up,
  // until `waitUntil` (monotonic); the wait counts in the answer's time.
  std::string waitingFor;
  double waitUntil = 0;
  double waitSinceWall = 0;
  double waitSinceMono = 0;
};

struct Limits {
  double headersTimeout = 60;
  double keepAliveTimeout = 65;
  size_t maxHeaderBytes = 16384;
  size_t maxUrlLength = 8192;
  bool allowGet = true;
  bool allowHead = true;
  std::string timeoutAnswer;  // the 408 node:http's path writes (client-limits.ts closeWith)
  double waitLimit = 10;      // seconds a request waits for a fill before node:http takes it
  int recordEveryMs = 250;    // how long records gather before JavaScript is woken for them
};

// What the door's loops share: JavaScript's published answers and limits, the way back to it.
struct Shared {
  napi_threadsafe_function events = nullptr;
  const std::shared_ptr<Releases> releases = std::make_shared<Releases>();
  std::mutex mutex;  // guards table, limits, givenUp, and each loop's woken and handedOver
  std::unordered_map<std::string, std::shared_ptr<Entry>> table;
  Limits limits;
  std::unordered_map<std::string, double> givenUp;  // key → until (monotonic)
  std::atomic<int> recordEveryMs{250};               // limits.recordEveryMs, read by the loops without the lock
};

// One thread's part of the door: its listening socket, its epoll loop, the connections it holds.
class Loop {
 public:
  explicit Loop(Shared& with) : shared(with) {}

  // Keys published or given up since this loop looked: guarded by shared.mutex.
  std::vector<std::string> woken;
  std::vector<std::string> handedOver;

  ~Loop() {
    if (listenFd >= 0) close(listenFd);
    if (wake >= 0) close(wake);
    if (epollFd >= 0) close(epollFd);
  }

  std::string open(const std::string& host, int port, int backlog, bool reusePort) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0) return std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
    std::string error = "no address";
    for (addrinfo* a = found; a; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (reusePort) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
      if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, backlog) == 0) {
        listenFd = fd;
        break;
      }
      error = strerror(errno);
      close(fd);
    }
    freeaddrinfo(found);
    if (listenFd < 0) return error;
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(listenFd, reinterpret_cast<sockaddr*>(&bound), &len);
    boundPort = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                  : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    epollFd = epoll_create1(EPOLL_CLOEXEC);
    wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenTag;
    epoll_ctl(epollFd, EPOLL_CTL_ADD, listenFd, &ev);
    ev.data.u64 = kWakeTag;
    epoll_ctl(epollFd, EPOLL_CTL_ADD, wake, &ev);
    return "";
  }

  void start() { thread = std::thread([this] { run(); }); }

  int port() const { return boundPort; }

  size_t connections() const { return connCount.load(); }

  // Commands for the door's thread (it owns the connections).
  void command(int which) {
    if (which) commands.fetch_or(which);
    uint64_t one = 1;
    ssize_t ignored = ::write(wake, &one, sizeof one);
    (void)ignored;
  }

  void stop() {
    if (!thread.joinable()) return;
    command(kStop);
    thread.join();
  }

  static constexpr int kCloseListener = 1;
  static constexpr int kCloseIdle = 2;
  static constexpr int kCloseAll = 4;
  static constexpr int kStop = 8;

 private:
  static constexpr uint64_t kListenTag = UINT64_MAX;
  static constexpr uint64_t kWakeTag = UINT64_MAX - 1;

  int listenFd = -1;
  int epollFd = -1;
  int wake = -1;
  int boundPort = 0;
  std::thread thread;
  std::atomic<int> commands{0};
  std::atomic<size_t> connCount{0};

  Shared& shared;
  // The thread's own: key → connections waiting for it.
  std::unordered_map<std::string, std::vector<int>> waited;

  // The thread's own state.
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  bool closingIdle = false;
  std::string records;
  double recordsSince = 0;
  uint64_t timedOut = 0;
  int dateSecond = -1;
  std::string dateText;

  // Bodies this thread let go of last: their references are dropped on the JavaScript thread.
  void releaseLater() {
    if (!shared.releases->pending() || shared.releases->posted.exchange(true)) return;
    Event* e = new Event{kRelease, 0, "", "", shared.releases};
    if (napi_call_threadsafe_function(shared.events, e, napi_tsfn_nonblocking) == napi_ok) return;
    shared.releases->posted.store(false);
    delete e;
  }

  void post(Event* event) {
    if (napi_call_threadsafe_function(shared.events, event, napi_tsfn_nonblocking) == napi_ok) return;
    if (event->kind == kHandOff) close(static_cast<int>(event->num));
    delete event;
  }

  void run() {
    std::vector<epoll_event> ready(256);
    double lastSweep = monotonicSeconds();
    for (;;) {
      int every = shared.recordEveryMs.load(std::memory_order_relaxed);
      int timeoutMs = records.empty() ? 250 : every;
      int n = epoll_wait(epollFd, ready.data(), static_cast<int>(ready.size()), timeoutMs);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < n; i++) {
        uint64_t tag = ready[i].data.u64;
        if (tag == kListenTag) acceptAll();
        else if (tag == kWakeTag) {
          uint64_t count;
          ssize_t ignored = read(wake, &count, sizeof count);
          (void)ignored;
        } else {
          auto it = conns.find(static_cast<int>(tag));
          if (it == conns.end()) continue;
          Conn* c = it->second.get();
          uint32_t what = ready[i].events;
          if (what & (EPOLLERR)) {
            drop(c);
            continue;
          }
          if (what & EPOLLOUT) {
            if (!flush(c)) continue;
          }
          if (what & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) readFrom(c);
        }
      }
      int asked = commands.exchange(0);
      if (asked & kStop) break;
      wakeWaiting();
      if (asked & (kCloseListener | kCloseIdle)) closeListener();
      if (asked & kCloseIdle) closeIdleConns();
      if (asked & kCloseAll) {
        closeListener();
        dropAll();
      }
      double now = monotonicSeconds();
      if (now - lastSweep >= 0.1) {
        lastSweep = now;
        sweep(now);
      }
      // The period decides; the size cap only bounds a burst's batch.
      if (!records.empty() && (records.size() > (1u << 20) || now - recordsSince >= every / 1000.0)) flushRecords();
      releaseLater();
    }
    closeListener();
    dropAll();
    flushRecords();
  }

  // Requests waiting for keys just published or given up: answered, or handed over, now.
  void wakeWaiting() {
    std::vector<std::string> keys, over;
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      keys.swap(woken);
      over.swap(handedOver);
    }
    for (const std::string& key : over) forEachWaiting(key, [this](Conn* c) { handOff(c, 0, "not-answered"); });
    for (const std::string& key : keys) forEachWaiting(key, [this](Conn* c) { resume(c); });
  }

  template <typename Fn>
  void forEachWaiting(const std::string& key, Fn fn) {
    auto it = waited.find(key);
    if (it == waited.end()) return;
    std::vector<int> fds = std::move(it->second);
    waited.erase(it);
    for (int fd : fds) {
      auto c = conns.find(fd);
      if (c == conns.end() || c->second->waitingFor != key) continue;
      c->second->waitingFor.clear();
      fn(c->second.get());
    }
  }

  void resume(Conn* c) {
    c->reading = true;
    interest(c);
    answerAll(c);
  }

  void closeListener() {
    if (listenFd < 0) return;
    epoll_ctl(epollFd, EPOLL_CTL_DEL, listenFd, nullptr);
    close(listenFd);
    listenFd = -1;
  }

  void acceptAll() {
    for (;;) {
      sockaddr_storage peer{};
      socklen_t len = sizeof peer;
      int fd = accept4(listenFd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or an error the next wake-up sees again
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->lastActive = monotonicSeconds();
      char text[INET6_ADDRSTRLEN] = "";
      if (peer.ss_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&peer)->sin_addr, text, sizeof text);
      else if (peer.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&peer)->sin6_addr, text, sizeof text);
      c->address = text;
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.u64 = static_cast<uint64_t>(fd);
      epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &ev);
      conns[fd] = std::move(c);
      connCount.store(conns.size());
    }
  }

  void interest(Conn* c) {
    epoll_event ev{};
    ev.events = (c->reading ? uint32_t{EPOLLIN | EPOLLRDHUP} : 0u) | (c->out.empty() ? 0u : uint32_t{EPOLLOUT});
    ev.data.u64 = static_cast<uint64_t>(c->fd);
    epoll_ctl(epollFd, EPOLL_CTL_MOD, c->fd, &ev);
  }

  void unwait(Conn* c) {
    auto it = waited.find(c->waitingFor);
    if (it != waited.end()) {
      auto& fds = it->second;
      for (size_t i = 0; i < fds.size(); i++)
        if (fds[i] == c->fd) {
          fds.erase(fds.begin() + static_cast<long>(i));
          break;
        }
      if (fds.empty()) waited.erase(it);
    }
    c->waitingFor.clear();
  }

  void drop(Conn* c) {
    if (!c->waitingFor.empty()) unwait(c);
    int fd = c->fd;
    epoll_ctl(epollFd, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    conns.erase(fd);
    connCount.store(conns.size());
  }

  void dropAll() {
    while (!conns.empty()) drop(conns.begin()->second.get());
  }

  void closeIdleConns() {
    closingIdle = true;
    std::vector<Conn*> all;
    for (auto& [fd, c] : conns) all.push_back(c.get());
    for (Conn* c : all) {
      if (!c->waitingFor.empty()) continue;  // a request in progress: answered or handed over in time
      if (c->out.empty()) drop(c);
      else {
        c->closeAfterWrite = true;
        c->reading = false;
        interest(c);
      }
    }
  }

  // Time-outs, as node:http's: before its first request a connection has headersTimeout to send
  // one (then a 408), between two requests keepAliveTimeout (then it is closed); one still
  // receiving an answer is not idle.
  void sweep(double now) {
    Limits l;
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      l = shared.limits;
    }
    std::vector<Conn*> expired;
    std::vector<Conn*> tooLong;
    for (auto& [fd, c] : conns) {
      if (!c->waitingFor.empty()) {
        if (now >= c->waitUntil) tooLong.push_back(c.get());
        continue;
      }
      if (!c->out.empty()) continue;
      double allowed = c->answered ? l.keepAliveTimeout : l.headersTimeout;
      if (now - c->lastActive >= allowed) expired.push_back(c.get());
    }
    for (Conn* c : tooLong) {
      unwait(c);
      handOff(c, 0, "not-answered");
    }
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      for (auto it = shared.givenUp.begin(); it != shared.givenUp.end();) it = it->second <= now ? shared.givenUp.erase(it) : std::next(it);
    }
    for (Conn* c : expired) {
      if (!c->answered && !l.timeoutAnswer.empty()) {
        timedOut++;
        post(new Event{kTimedOut, 1, "", ""});
        c->reading = false;
        c->closeAfterWrite = true;
        queue(c, std::make_shared<const OwnedChunk>(l.timeoutAnswer));
        flush(c);
      } else drop(c);
    }
  }

  void readFrom(Conn* c) {
    char buffer[65536];
    bool ended = false;
    for (;;) {
      ssize_t got = read(c->fd, buffer, sizeof buffer);
      if (got > 0) {
        c->in.append(buffer, static_cast<size_t>(got));
        if (static_cast<size_t>(got) < sizeof buffer) break;
        continue;
      }
      if (got == 0) ended = true;
      else if (errno == EINTR) continue;
      else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        drop(c);
        return;
      }
      break;
    }
    c->lastActive = monotonicSeconds();
    if (!c->waitingFor.empty()) {
      // Waiting for its answer: what else it sends waits too; gone, it is dropped.
      if (ended) drop(c);
      return;
    }
    if (!c->in.empty() && !answerAll(c)) return;  // handed over or dropped
    if (ended) {
      // The client is done sending: answer what it asked, then close (as the JS door's end()).
      if (c->out.empty()) drop(c);
      else {
        c->closeAfterWrite = true;
        c->reading = false;
        interest(c);
      }
    }
  }

  // Answers the complete heads in c->in, in order. False: the connection left this door.
  bool answerAll(Conn* c) {
    Limits l;
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      l = shared.limits;
    }
    size_t start = 0;
    while (start < c->in.size()) {
      size_t end = c->in.find("\r\n\r\n", start);
      if (end == std::string::npos) return handOff(c, start, "incomplete");
      if (end - start > l.maxHeaderBytes + l.maxUrlLength) return handOff(c, start, "not-plain");
      Request req;
      if (!readHead(c->in, start, end, l, req)) return handOff(c, start, "not-plain");
      Outcome outcome = answer(c, req, l);
      if (outcome == kGiveOver) return handOff(c, start, "not-answered");
      if (outcome == kWait) {
        // Not published (yet): JavaScript fills it (kWanted, once per key) and publishes it, or gives
        // it up; the connection waits, reading nothing more, its head kept.
        c->in.erase(0, start);
        bool first = waited.find(req.target) == waited.end();
        waited[req.target].push_back(c->fd);
        c->waitingFor = req.target;
        if (c->waitSinceMono == 0) {
          c->waitSinceMono = monotonicSeconds();
          c->waitSinceWall = nowSeconds();
          c->waitUntil = c->waitSinceMono + l.waitLimit;
        }
        c->reading = false;
        interest(c);
        if (first) post(new Event{kWanted, 0, c->in.substr(0, req.end + 4 - req.start), c->address});
        return true;
      }
      if (c->broken) {
        drop(c);
        return false;
      }
      start = end + 4;
      if (!c->answered) c->answered = true;
      if (!c->out.empty()) {
        // A client that does not read its answers is not read either.
        c->in.erase(0, start);
        c->reading = false;
        interest(c);
        return true;
      }
    }
    c->in.clear();
    return true;
  }

  struct Request {
    bool isHead = false;
    size_t start = 0, end = 0;
    std::string target;  // the key it asks for: the target's path, and its delivery directives (keyedQuery)
    size_t targetLength = 0;  // the whole target's, query included
  };

  // A query the door takes, as cache/key.ts's keyedSearch keys it: CMCD parameters, left out of the
  // key (UNKEYED_QUERY_PARAMS), and LL-HLS delivery directives (_HLS_msn, _HLS_part, _HLS_skip, each
  // once, with a value), kept in the key in their canonical order, as written. Names as hls.js
  // writes them: any other parameter, an escaped name or an empty part is not plain. `key` (the
  // path) gets the directives.
  static bool keyedQuery(const char* query, size_t length, std::string& key) {
    static const char* directives[] = {"_HLS_msn", "_HLS_part", "_HLS_skip"};
    const char* found[3] = {nullptr, nullptr, nullptr};
    size_t foundLength[3] = {0, 0, 0};
    size_t part = 0;
    while (part <= length) {
      size_t end = part;
      while (end < length && query[end] != '&') end++;
      size_t nameEnd = part;
      while (nameEnd < end && query[nameEnd] != '=') nameEnd++;
      size_t name = nameEnd - part;
      if (name == 4 && memcmp(query + part, "CMCD", 4) == 0) {
        part = end + 1;
        continue;
      }
      int which = -1;
      for (int i = 0; i < 3; i++)
        if (name == strlen(directives[i]) && memcmp(query + part, directives[i], name) == 0) which = i;
      if (which < 0 || found[which] || nameEnd == end) return false;
      found[which] = query + part;
      foundLength[which] = end - part;
      part = end + 1;
    }
    char separator = '?';
    for (int i = 0; i < 3; i++) {
      if (!found[i]) continue;
      key += separator;
      key.append(found[i], foundLength[i]);
      separator = '&';
    }
    return true;
  }

  static bool isToken(unsigned char ch) {
    if (ch >= '0' && ch <= '9') return true;
    if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') return true;
    return ch && strchr("!#$%&'*+-.^_`|~", ch) != nullptr;
  }

  static bool equalsLower(const char* p, size_t n, const char* lower) {
    size_t m = strlen(lower);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++)
      if (tolower(static_cast<unsigned char>(p[i])) != lower[i]) return false;
    return true;
  }

  // node/plain-request.ts PLAIN_HOST: ^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$
  static bool plainHost(const char* p, size_t n) {
    size_t i = 0;
    while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '_' ||
                     p[i] == '-'))
      i++;
    if (i == 0) return false;
    if (i == n) return true;
    if (p[i] != ':') return false;
    size_t digits = n - i - 1;
    for (size_t j = i + 1; j < n; j++)
      if (p[j] < '0' || p[j] > '9') return false;
    char first = digits ? p[i + 1] : '0';
    if (first >= '1' && first <= '5') return digits == 4 || digits == 5;
    if (first >= '6' && first <= '9') return digits == 4;
    return false;
  }

  // The narrowest head the JavaScript reader (request-head.ts) and the fast path's
  // isPlainRequest (plain-request.ts) both accept, minus a query string and every field that
  // could change the answer or its record: the rest is JavaScript's.
  static bool readHead(const std::string& in, size_t start, size_t end, const Limits& l, Request& req) {
    const char* s = in.data();
    size_t lineEnd = in.find("\r\n", start);
    size_t at;
    if (in.compare(start, 5, "GET /") == 0) {
      if (!l.allowGet) return false;
      at = start + 4;
    } else if (in.compare(start, 6, "HEAD /") == 0) {
      if (!l.allowHead) return false;
      req.isHead = true;
      at = start + 5;
    } else
      return false;
    if (lineEnd < at + 9) return false;
    size_t targetEnd = lineEnd - 9;
    if (targetEnd <= at || in.compare(targetEnd, 9, " HTTP/1.1") != 0) return false;
    size_t pathEnd = targetEnd;
    for (size_t i = at; i < targetEnd; i++) {
      unsigned char ch = static_cast<unsigned char>(s[i]);
      if (ch <= 32 || ch >= 127 || ch == '#') return false;
      if (ch == '?' && pathEnd == targetEnd) pathEnd = i;
    }
    req.target.assign(s + at, pathEnd - at);
    if (pathEnd < targetEnd && !keyedQuery(s + pathEnd + 1, targetEnd - pathEnd - 1, req.target)) return false;
    req.targetLength = targetEnd - at;
    // Fields: name ":" OWS value OWS, visible ASCII, none twice, none of those below.
    struct Field {
      const char* name;
      size_t length;
    };
    Field seen[64];
    size_t fields = 0;
    size_t rawBytes = 0;
    const char* host = nullptr;
    size_t hostLength = 0;
    size_t line = lineEnd + 2;
    while (line < end + 2) {
      size_t next = in.find("\r\n", line);
      size_t i = line;
      while (i < next && isToken(static_cast<unsigned char>(s[i]))) i++;
      if (i == line || i == next || s[i] != ':') return false;
      const char* name = s + line;
      size_t nameLength = i - line;
      size_t from = i + 1, to = next;
      for (size_t j = from; j < to; j++) {
        unsigned char ch = static_cast<unsigned char>(s[j]);
        if ((ch < 32 && ch != 9) || ch >= 127) return false;
      }
      while (from < to && (s[from] == ' ' || s[from] == '\t')) from++;
      while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t')) to--;
      static const char* refused[] = {"content-length", "transfer-encoding", "expect", "upgrade", "te", "trailer",
                                      "range", "if-none-match", "if-modified-since", "if-match",
                                      "if-unmodified-since", "authorization", "via", "x-edge-peer", "__proto__"};
      for (const char* r : refused)
        if (equalsLower(name, nameLength, r)) return false;
      if (equalsLower(name, nameLength, "connection") && !equalsLower(s + from, to - from, "keep-alive")) return false;
      if (equalsLower(name, nameLength, "host")) {
        host = s + from;
        hostLength = to - from;
      }
      if (fields == 64) return false;
      for (size_t k = 0; k < fields; k++) {
        if (seen[k].length != nameLength) continue;
        bool same = true;
        for (size_t m = 0; m < nameLength && same; m++)
          same = tolower(static_cast<unsigned char>(seen[k].name[m])) == tolower(static_cast<unsigned char>(name[m]));
        if (same) return false;
      }
      seen[fields++] = {name, nameLength};
      rawBytes += nameLength + (to - from) + 4;
      line = next + 2;
    }
    if (!host || !plainHost(host, hostLength)) return false;
    if (7 + hostLength + req.targetLength > l.maxUrlLength || rawBytes > l.maxHeaderBytes) return false;
    req.start = start;
    req.end = end;
    return true;
  }

  const std::string& httpDate(time_t second) {
    if (second != dateSecond) {
      dateSecond = static_cast<int>(second);
      // As JavaScript's toUTCString(), whatever the process's locale.
      static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
      static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
      tm parts;
      gmtime_r(&second, &parts);
      char text[64];
      snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[parts.tm_wday], parts.tm_mday,
               months[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec);
      dateText = text;
    }
    return dateText;
  }

  enum Outcome { kAnswered, kWait, kGiveOver };

  // Writes the published answer to `req`, if there is one for now; else the request waits for
  // JavaScript to publish one, unless JavaScript gave the key up or it waited its limit already.
  Outcome answer(Conn* c, const Request& req, const Limits&) {
    std::shared_ptr<Entry> entry;
    double startedWall = nowSeconds();
    double startedMono = monotonicSeconds();
    bool waitedBefore = c->waitSinceMono != 0;
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      auto gone = shared.givenUp.find(req.target);
      if (gone != shared.givenUp.end() && gone->second > startedMono) return kGiveOver;
      auto it = shared.table.find(req.target);
      if (it != shared.table.end()) entry = it->second;
    }
    if (waitedBefore && startedMono >= c->waitUntil) return kGiveOver;
    if (!entry) return kWait;
    const Answer* chosen = nullptr;
    bool refresh = false;
    if (entry->fresh.present && startedWall < entry->freshEnd) {
      chosen = &entry->fresh;
      refresh = startedWall >= entry->refreshAt;
    } else if (entry->stale.present && startedWall >= entry->freshEnd && startedWall <= entry->staleEnd) {
      chosen = &entry->stale;
      refresh = true;
    }
    if (!chosen) return kWait;
    // A request that waited for the fill collapsed onto it, as the general path would say.
    if (waitedBefore && chosen == &entry->fresh && entry->waited.present) chosen = &entry->waited;
    if (refresh && startedMono - entry->lastRefreshAsk >= 0.1) {
      entry->lastRefreshAsk = startedMono;
      post(new Event{kRefresh, 0, c->in.substr(req.start, req.end + 4 - req.start), c->address});
    }
    const Head& head = req.isHead ? chosen->head : chosen->get;
    double age = std::floor(entry->ageOffset + startedWall);
    std::string ageText = std::to_string(static_cast<long long>(age < 0 ? 0 : age));
    std::string wire;
    wire.reserve(head.parts[0].size() + head.parts[1].size() + head.parts[2].size() + 48);
    wire += head.parts[0];
    wire += ageText;
    wire += head.parts[1];
    if (head.count == 3) {
      wire += httpDate(static_cast<time_t>(startedWall));
      wire += head.parts[2];
    }
    bool withBody = !req.isHead && entry->body && !entry->body->empty();
    write(c, std::move(wire), withBody ? entry->body : nullptr);
    // The record: native-front.ts reads it back (readRecords) in this layout. A request that waited
    // for its fill is recorded from its arrival.
    if (waitedBefore) {
      startedWall = c->waitSinceWall;
      startedMono = c->waitSinceMono;
      c->waitSinceMono = 0;
    }
    double took = monotonicSeconds() - startedMono;
    int32_t bytes = entry->recordBytes;
    if (records.empty()) recordsSince = startedMono;
    uint32_t headLength = static_cast<uint32_t>(req.end + 4 - req.start);
    uint16_t addressLength = static_cast<uint16_t>(c->address.size());
    appendRaw(startedWall);
    appendRaw(took);
    appendRaw(bytes);
    appendRaw(entry->status);
    uint8_t result = chosen->result;
    uint8_t isHead = req.isHead ? 1 : 0;
    appendRaw(result);
    appendRaw(isHead);
    appendRaw(addressLength);
    records.append(c->address);
    appendRaw(headLength);
    records.append(c->in, req.start, headLength);
    return kAnswered;
  }

  template <typename T>
  void appendRaw(T value) {
    records.append(reinterpret_cast<const char*>(&value), sizeof value);
  }

  void flushRecords() {
    if (records.empty()) return;
    Event* e = new Event{kRecords, 0, "", ""};
    e->bytes.swap(records);
    post(e);
  }

  void queue(Conn* c, Bytes data) { c->out.push_back(Out{std::move(data), 0}); }

  // Writes head then body in one writev; what the socket does not take waits for EPOLLOUT.
  void write(Conn* c, std::string head, Bytes body) {
    if (c->out.empty()) {
      iovec parts[2];
      parts[0].iov_base = head.data();
      parts[0].iov_len = head.size();
      int count = 1;
      if (body) {
        parts[1].iov_base = const_cast<char*>(body->data());
        parts[1].iov_len = body->size();
        count = 2;
      }
      ssize_t sent = writev(c->fd, parts, count);
      size_t total = head.size() + (body ? body->size() : 0);
      if (sent == static_cast<ssize_t>(total)) return;
      if (sent < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          c->broken = true;
          return;
        }
        sent = 0;
      }
      size_t done = static_cast<size_t>(sent);
      if (done < head.size()) {
        queue(c, std::make_shared<const OwnedChunk>(head.substr(done)));
        if (body) queue(c, body);
      } else
        c->out.push_back(Out{body, done - head.size()});
      interest(c);
      return;
    }
    queue(c, std::make_shared<const OwnedChunk>(std::move(head)));
    if (body) queue(c, std::move(body));
  }

  // Writes what waits. False: the connection left (closed, or handed over).
  bool flush(Conn* c) {
    while (!c->out.empty()) {
      iovec parts[16];
      int count = 0;
      for (size_t i = 0; i < c->out.size() && count < 16; i++, count++) {
        parts[count].iov_base = const_cast<char*>(c->out[i].data->data() + c->out[i].offset);
        parts[count].iov_len = c->out[i].data->size() - c->out[i].offset;
      }
      ssize_t sent = writev(c->fd, parts, count);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        drop(c);
        return false;
      }
      size_t left = static_cast<size_t>(sent);
      size_t i = 0;
      while (i < c->out.size() && left > 0) {
        size_t rest = c->out[i].data->size() - c->out[i].offset;
        if (left >= rest) {
          left -= rest;
          i++;
        } else {
          c->out[i].offset += left;
          left = 0;
        }
      }
      c->out.erase(c->out.begin(), c->out.begin() + static_cast<long>(i));
      c->lastActive = monotonicSeconds();
    }
    if (!c->out.empty()) {
      interest(c);
      return true;
    }
    if (c->closeAfterWrite) {
      drop(c);
      return false;
    }
    if (c->handOffReason) {
      handOff(c, 0, c->handOffReason);
      return false;
    }
    if (!c->waitingFor.empty()) return true;
    if (!c->reading && !closingIdle) {
      // Drained: read again, and answer what came meanwhile.
      c->reading = true;
      interest(c);
      if (!c->in.empty()) return answerAll(c);
    } else if (closingIdle) {
      drop(c);
      return false;
    }
    return true;
  }

  // JavaScript takes the connection from byte `from` of what was read on. Always false: the
  // connection left this door, or will once its answers are written.
  bool handOff(Conn* c, size_t from, const char* reason) {
    if (!c->out.empty()) {
      c->in.erase(0, from);
      c->handOffReason = reason;
      c->reading = false;
      interest(c);
      return false;
    }
    if (!c->waitingFor.empty()) unwait(c);
    int fd = c->fd;
    epoll_ctl(epollFd, EPOLL_CTL_DEL, fd, nullptr);
    Event* e = new Event{kHandOff, static_cast<double>(fd), c->in.substr(from), reason};
    conns.erase(fd);
    connCount.store(conns.size());
    post(e);
    return false;
  }
};

// The door: `threads` loops, each its own thread and listening socket on the one port (the kernel
// shares the connections out, SO_REUSEPORT), all answering from one table. As nginx's workers
// share one cache: a process's loops fill, refresh and record once for all of them.
class Door {
 public:
  Shared shared;

  std::string open(const std::string& host, int port, int backlog, bool reusePort, int threads) {
    for (int i = 0; i < threads; i++) {
      auto loop = std::make_unique<Loop>(shared);
      std::string error = loop->open(host, i == 0 ? port : loops[0]->port(), backlog, reusePort || threads > 1);
      if (!error.empty()) return error;
      loops.push_back(std::move(loop));
    }
    return "";
  }

  void start() {
    for (auto& loop : loops) loop->start();
  }

  int port() const { return loops[0]->port(); }

  void setLimits(const Limits& next) {
    std::lock_guard<std::mutex> lock(shared.mutex);
    shared.limits = next;
    shared.recordEveryMs.store(next.recordEveryMs, std::memory_order_relaxed);
  }

  void publish(const std::string& key, std::shared_ptr<Entry> entry) {
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      shared.table[key] = std::move(entry);
      shared.givenUp.erase(key);
      for (auto& loop : loops) loop->woken.push_back(key);  // each knows whether anyone waits for it
    }
    command(0);
  }

  // JavaScript will not publish `key` (its fill ended without an answer the door may give): its
  // waiting requests go to node:http, and for `seconds` so do the next ones.
  void giveUp(const std::string& key, double seconds) {
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      if (seconds > 0) shared.givenUp[key] = monotonicSeconds() + seconds;
      for (auto& loop : loops) loop->handedOver.push_back(key);
    }
    command(0);
  }

  bool unpublish(const std::string& key) {
    std::lock_guard<std::mutex> lock(shared.mutex);
    return shared.table.erase(key) > 0;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(shared.mutex);
    shared.table.clear();
  }

  size_t published() {
    std::lock_guard<std::mutex> lock(shared.mutex);
    return shared.table.size();
  }

  // Each loop's connections, in order.
  std::vector<size_t> connections() const {
    std::vector<size_t> each;
    for (auto& loop : loops) each.push_back(loop->connections());
    return each;
  }

  void command(int which) {
    for (auto& loop : loops) loop->command(which);
  }

  void stop() {
    for (auto& loop : loops) loop->stop();
  }

 private:
  std::vector<std::unique_ptr<Loop>> loops;
};

// ---- N-API -------------------------------------------------------------------------------------

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, nullptr, "front-door: N-API call failed"); \
      return nullptr;                                                 \
    }                                                                 \
  } while (0)

void callJs(napi_env env, napi_value fn, void*, void* data) {
  std::unique_ptr<Event> e(static_cast<Event*>(data));
  if (!env || !fn) {
    if (e->kind == kHandOff) close(static_cast<int>(e->num));
    return;
  }
  if (e->kind == kRelease) {
    e->releases->posted.store(false);
    e->releases->drain(env);
    return;
  }
  napi_value args[4];
  napi_create_int32(env, e->kind, &args[0]);
  napi_create_double(env, e->num, &args[1]);
  void* copied;
  napi_create_buffer_copy(env, e->bytes.size(), e->bytes.data(), &copied, &args[2]);
  napi_create_string_latin1(env, e->text.data(), e->text.size(), &args[3]);
  napi_value global;
  napi_get_global(env, &global);
  napi_call_function(env, global, fn, 4, args, nullptr);
}

void finalizeDoor(napi_env env, void* data, void*) {
  Door* door = static_cast<Door*>(data);
  door->stop();
  std::shared_ptr<Releases> releases = door->shared.releases;
  delete door;
  releases->drain(env);
}

Door* doorOf(napi_env env, napi_value value) {
  void* data = nullptr;
  if (napi_get_value_external(env, value, &data) != napi_ok || !data) {
    napi_throw_type_error(env, nullptr, "front-door: not a door");
    return nullptr;
  }
  return static_cast<Door*>(data);
}

std::string stringOf(napi_env env, napi_value value) {
  size_t length = 0;
  napi_get_value_string_latin1(env, value, nullptr, 0, &length);
  std::string out(length, '\0');
  napi_get_value_string_latin1(env, value, out.data(), length + 1, &length);
  return out;
}

double numberOf(napi_env env, napi_value value) {
  double out = 0;
  napi_get_value_double(env, value, &out);
  return out;
}

bool boolOf(napi_env env, napi_value value) {
  bool out = false;
  napi_get_value_bool(env, value, &out);
  return out;
}

// A door method's arguments, the door first: `door` is null when the call threw (not a door).
template <size_t N>
struct DoorCall {
  napi_value argv[N] = {};
  Door* door = nullptr;
  DoorCall(napi_env env, napi_callback_info info) {
    size_t argc = N;
    if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok)
      napi_throw_error(env, nullptr, "front-door: N-API call failed");
    else
      door = doorOf(env, argv[0]);
  }
};

// open(host, port, backlog, reusePort, onEvent, threads) → door; throws what bind/listen said.
napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6] = {};
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto door = std::make_unique<Door>();
  int threads = static_cast<int>(numberOf(env, argv[5]));
  std::string error = door->open(stringOf(env, argv[0]), static_cast<int>(numberOf(env, argv[1])),
                                 static_cast<int>(numberOf(env, argv[2])), boolOf(env, argv[3]),
                                 threads < 1 ? 1 : threads > 64 ? 64 : threads);
  if (!error.empty()) {
    napi_throw_error(env, "EADDR", (std::string("front-door: ") + error).c_str());
    return nullptr;
  }
  napi_value name;
  napi_create_string_utf8(env, "edge-native-front-door", NAPI_AUTO_LENGTH, &name);
  CHECK(napi_create_threadsafe_function(env, argv[4], nullptr, name, 0, 1, nullptr, nullptr, nullptr, callJs,
                                        &door->shared.events));
  door->start();
  napi_value out;
  Door* raw = door.release();
  CHECK(napi_create_external(env, raw, finalizeDoor, nullptr, &out));
  return out;
}

napi_value Port(napi_env env, napi_callback_info info) {
  DoorCall<1> call(env, info);
  if (!call.door) return nullptr;
  Door* door = call.door;
  napi_value out;
  napi_create_int32(env, door->port(), &out);
  return out;
}

// setLimits(door, headersTimeoutMs, keepAliveTimeoutMs, maxHeaderBytes, maxUrlLength, allowGet, allowHead,
//           timeoutAnswer, waitLimitMs, recordEveryMs)
napi_value SetLimits(napi_env env, napi_callback_info info) {
  DoorCall<10> call(env, info);
  if (!call.door) return nullptr;
  napi_value* argv = call.argv;
  Door* door = call.door;
  Limits l;
  l.headersTimeout = numberOf(env, argv[1]) / 1000;
  l.keepAliveTimeout = numberOf(env, argv[2]) / 1000;
  l.maxHeaderBytes = static_cast<size_t>(numberOf(env, argv[3]));
  l.maxUrlLength = static_cast<size_t>(numberOf(env, argv[4]));
  l.allowGet = boolOf(env, argv[5]);
  l.allowHead = boolOf(env, argv[6]);
  l.timeoutAnswer = stringOf(env, argv[7]);
  l.waitLimit = numberOf(env, argv[8]) / 1000;
  l.recordEveryMs = static_cast<int>(numberOf(env, argv[9]));
  door->setLimits(l);
  return nullptr;
}

bool headOf(napi_env env, napi_value array, Head& head) {
  uint32_t length = 0;
  if (napi_get_array_length(env, array, &length) != napi_ok || length < 2 || length > 3) return false;
  for (uint32_t i = 0; i < length; i++) {
    napi_value part;
    napi_get_element(env, array, i, &part);
    head.parts[i] = stringOf(env, part);
  }
  head.count = static_cast<int>(length);
  return true;
}

// An answer: [result, getParts, headParts], or null.
bool answerOf(napi_env env, napi_value value, Answer& answer) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type != napi_object) return true;
  napi_value result, get, head;
  napi_get_element(env, value, 0, &result);
  napi_get_element(env, value, 1, &get);
  napi_get_element(env, value, 2, &head);
  answer.result = static_cast<uint8_t>(numberOf(env, result));
  answer.present = headOf(env, get, answer.get) && headOf(env, head, answer.head);
  return answer.present;
}

// publish(door, key, status, body|null, [ageOffset, refreshAt, freshEnd, staleEnd, recordBytes], fresh, stale,
//         waited)
napi_value Publish(napi_env env, napi_callback_info info) {
  DoorCall<8> call(env, info);
  if (!call.door) return nullptr;
  napi_value* argv = call.argv;
  Door* door = call.door;
  auto entry = std::make_shared<Entry>();
  entry->status = static_cast<uint16_t>(numberOf(env, argv[2]));
  bool isBuffer = false;
  napi_is_buffer(env, argv[3], &isBuffer);
  if (isBuffer) {
    void* data;
    size_t length;
    napi_ref held;
    napi_get_buffer_info(env, argv[3], &data, &length);
    CHECK(napi_create_reference(env, argv[3], 1, &held));
    door->shared.releases->held++;
    entry->body = std::make_shared<const HeldChunk>(data, length, held, door->shared.releases);
  }
  double times[5];
  for (uint32_t i = 0; i < 5; i++) {
    napi_value t;
    napi_get_element(env, argv[4], i, &t);
    times[i] = numberOf(env, t);
  }
  entry->ageOffset = times[0];
  entry->refreshAt = times[1];
  entry->freshEnd = times[2];
  entry->staleEnd = times[3];
  entry->recordBytes = static_cast<int32_t>(times[4]);
  if (!answerOf(env, argv[5], entry->fresh) || !answerOf(env, argv[6], entry->stale) ||
      !answerOf(env, argv[7], entry->waited)) {
    napi_throw_type_error(env, nullptr, "front-door: publish: malformed answer");
    return nullptr;
  }
  door->publish(stringOf(env, argv[1]), std::move(entry));
  door->shared.releases->drain(env);  // the entry it replaced, unless an answer is still being written
  return nullptr;
}

// giveUp(door, key, seconds)
napi_value GiveUp(napi_env env, napi_callback_info info) {
  DoorCall<3> call(env, info);
  if (!call.door) return nullptr;
  napi_value* argv = call.argv;
  Door* door = call.door;
  door->giveUp(stringOf(env, argv[1]), numberOf(env, argv[2]));
  return nullptr;
}

napi_value Unpublish(napi_env env, napi_callback_info info) {
  DoorCall<2> call(env, info);
  if (!call.door) return nullptr;
  napi_value* argv = call.argv;
  Door* door = call.door;
  napi_value out;
  napi_get_boolean(env, door->unpublish(stringOf(env, argv[1])), &out);
  door->shared.releases->drain(env);
  return out;
}

napi_value Clear(napi_env env, napi_callback_info info) {
  DoorCall<1> call(env, info);
  if (!call.door) return nullptr;
  Door* door = call.door;
  door->clear();
  door->shared.releases->drain(env);
  return nullptr;
}

// command(door, which): 1 close the listener, 2 close idle connections, 4 close all.
napi_value Command(napi_env env, napi_callback_info info) {
  DoorCall<2> call(env, info);
  if (!call.door) return nullptr;
  napi_value* argv = call.argv;
  Door* door = call.door;
  door->command(static_cast<int>(numberOf(env, argv[1])) & 7);
  return nullptr;
}

// stop(door): closes everything, joins the thread, lets the process exit.
napi_value Stop(napi_env env, napi_callback_info info) {
  DoorCall<1> call(env, info);
  if (!call.door) return nullptr;
  Door* door = call.door;
  door->stop();
  if (door->shared.events) {
    napi_release_threadsafe_function(door->shared.events, napi_tsfn_release);
    door->shared.events = nullptr;
  }
  door->shared.releases->drain(env);
  return nullptr;
}

// stats(door) → [published, heldBodies, connections of each loop…]
napi_value Stats(napi_env env, napi_callback_info info) {
  DoorCall<1> call(env, info);
  if (!call.door) return nullptr;
  Door* door = call.door;
  std::vector<double> figures = {static_cast<double>(door->published()),
                                 static_cast<double>(door->shared.releases->held.load())};
  for (size_t each : door->connections()) figures.push_back(static_cast<double>(each));
  napi_value out;
  napi_create_array_with_length(env, figures.size(), &out);
  for (size_t i = 0; i < figures.size(); i++) {
    napi_value figure;
    napi_create_double(env, figures[i], &figure);
    napi_set_element(env, out, static_cast<uint32_t>(i), figure);
  }
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", nullptr, Open, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"port", nullptr, Port, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setLimits", nullptr, SetLimits, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"publish", nullptr, Publish, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"giveUp", nullptr, GiveUp, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"unpublish", nullptr, Unpublish, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"clear", nullptr, Clear, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"command", nullptr, Command, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"stop", nullptr, Stop, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"stats", nullptr, Stats, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

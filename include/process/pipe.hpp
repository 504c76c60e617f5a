// Pipe: a stream of strings from one writer to one reader, for HTTP bodies
// that are produced while they are sent (a streaming Response) or consumed
// while they arrive. Reader and Writer are copyable handles on the two ends;
// every operation is thread-safe and none blocks: a read is a Future that the
// next write (or close, or fail) completes, and a write waits in the pipe
// until a read takes it.
//
//   Pipe pipe;
//   Pipe::Reader reader = pipe.reader();
//   Pipe::Writer writer = pipe.writer();
//   writer.write("hello");             // true while the reader is open
//   reader.read();                     // "hello"
//   writer.close();
//   reader.read();                     // "": the end of the data
//
// The pipe itself is unbounded: it holds whatever is written and not yet
// read. A writer that can outpace its reader bounds itself, e.g. by waiting
// for each read to happen, and stops when write() returns false or
// readerClosed() completes.
//
// Ours (beyond libprocess): an end whose handles are all gone (the Pipe
// object and every Reader, or the Pipe and every Writer) counts as given up.
// A reader given up is closed: writes return false and readerClosed() is
// READY. A writer given up without close() fails the pipe, so the reader sees
// a truncated stream as an error rather than waiting forever.
#pragma once

#include <memory>
#include <string>

#include <process/future.hpp>
#include <process/nothing.hpp>

namespace process::http {

class Pipe {
 private:
  struct State;
  struct ReadEnd;
  struct WriteEnd;

 public:
  class Reader {
   public:
    // The next piece of data, in the order written. Reads made before the
    // data exists queue up and complete in order. The empty string means the
    // writer closed and everything written has been read. FAILED with the
    // writer's message once the writer failed (after the data written before
    // it), and with "Pipe reader closed" after close(). A discard request on
    // a pending read withdraws it, so it takes no data.
    Future<std::string> read() const;

    // Everything up to the end of the data, concatenated. FAILED as read()
    // would be; reading it leaves nothing for other reads.
    Future<std::string> readAll() const;

    // Stops reading: drops the data not yet read, fails the pending reads
    // and completes the writer's readerClosed(). False if already closed.
    bool close() const;

    friend bool operator==(const Reader& left, const Reader& right) {
      return left.end_ == right.end_;
    }

   private:
    friend class Pipe;
    explicit Reader(std::shared_ptr<ReadEnd> end) : end_(std::move(end)) {}

    std::shared_ptr<ReadEnd> end_;
  };

  class Writer {
   public:
    // Queues `data` for the reader. False, and nothing is queued, once the
    // reader has closed or this end was closed or failed. An empty string is
    // accepted and ignored: to the reader it would mean the end of the data.
    bool write(std::string data) const;

    // Ends the data: reads past what was written return "". False if this
    // end was already closed or failed.
    bool close() const;

    // Ends the data with an error: once what was written has been read,
    // reads fail with `message`. False if already closed or failed.
    bool fail(const std::string& message) const;

    // READY once the reader closes (or is given up); it stays pending while
    // the reader keeps reading, also after this end is closed.
    Future<Nothing> readerClosed() const;

    friend bool operator==(const Writer& left, const Writer& right) {
      return left.end_ == right.end_;
    }

   private:
    friend class Pipe;
    explicit Writer(std::shared_ptr<WriteEnd> end) : end_(std::move(end)) {}

    std::shared_ptr<WriteEnd> end_;
  };

  Pipe();

  Reader reader() const { return Reader(read_); }
  Writer writer() const { return Writer(write_); }

 private:
  std::shared_ptr<ReadEnd> read_;
  std::shared_ptr<WriteEnd> write_;
};

}  // namespace process::http

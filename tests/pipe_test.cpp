// http::Pipe: ordering of reads and writes whichever comes first, the end of
// the data, closing either end, failing, readAll, discarding reads, giving up
// an end by dropping its handles, and a writer thread racing readers whose
// continuations read on.
#include <process/pipe.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <glog/logging.h>
#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/nothing.hpp>
#include <process/option.hpp>

using namespace process;
using process::http::Pipe;

TEST(PipeTest, WritesBeforeReadsAreQueuedInOrder) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  EXPECT_TRUE(writer.write("a"));
  EXPECT_TRUE(writer.write("b"));
  EXPECT_TRUE(writer.write("c"));
  AWAIT_EXPECT_EQ("a", reader.read());
  AWAIT_EXPECT_EQ("b", reader.read());
  AWAIT_EXPECT_EQ("c", reader.read());
  EXPECT_TRUE(reader.read().isPending());
}

TEST(PipeTest, ReadsBeforeWritesAreServedInOrder) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  Future<std::string> first = reader.read();
  Future<std::string> second = reader.read();
  Future<std::string> third = reader.read();
  EXPECT_TRUE(first.isPending());
  EXPECT_TRUE(writer.write("1"));
  EXPECT_TRUE(first.isReady());
  EXPECT_TRUE(second.isPending());
  EXPECT_TRUE(writer.write("2"));
  EXPECT_TRUE(writer.write("3"));
  AWAIT_EXPECT_EQ("1", first);
  AWAIT_EXPECT_EQ("2", second);
  AWAIT_EXPECT_EQ("3", third);
}

TEST(PipeTest, EmptyWritesAreIgnored) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  Future<std::string> read = reader.read();
  EXPECT_TRUE(writer.write(""));
  EXPECT_TRUE(read.isPending());
  EXPECT_TRUE(writer.write("x"));
  AWAIT_EXPECT_EQ("x", read);
}

TEST(PipeTest, CloseEndsTheDataAfterWhatWasWritten) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  EXPECT_TRUE(writer.write("last"));
  EXPECT_TRUE(writer.close());
  EXPECT_FALSE(writer.close());
  EXPECT_FALSE(writer.write("late"));
  EXPECT_FALSE(writer.fail("late"));
  AWAIT_EXPECT_EQ("last", reader.read());
  AWAIT_EXPECT_EQ("", reader.read());
  AWAIT_EXPECT_EQ("", reader.read());  // and stays ended
}

TEST(PipeTest, CloseCompletesPendingReadsWithTheEnd) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Future<std::string> first = reader.read();
  Future<std::string> second = reader.read();
  EXPECT_TRUE(pipe.writer().close());
  AWAIT_EXPECT_EQ("", first);
  AWAIT_EXPECT_EQ("", second);
}

TEST(PipeTest, FailFailsReadsAfterTheDataWrittenBefore) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  EXPECT_TRUE(writer.write("kept"));
  EXPECT_TRUE(writer.fail("disk on fire"));
  EXPECT_FALSE(writer.fail("again"));
  EXPECT_FALSE(writer.close());
  EXPECT_FALSE(writer.write("late"));
  AWAIT_EXPECT_EQ("kept", reader.read());
  AWAIT_EXPECT_FAILURE_EQ("disk on fire", reader.read());
  AWAIT_EXPECT_FAILURE_EQ("disk on fire", reader.read());
}

TEST(PipeTest, FailFailsPendingReads) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Future<std::string> first = reader.read();
  Future<std::string> second = reader.read();
  EXPECT_TRUE(pipe.writer().fail("gone"));
  AWAIT_EXPECT_FAILURE_EQ("gone", first);
  AWAIT_EXPECT_FAILURE_EQ("gone", second);
}

TEST(PipeTest, ReaderCloseStopsTheWriter) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  Future<Nothing> closed = writer.readerClosed();
  EXPECT_TRUE(writer.write("never read"));
  EXPECT_TRUE(closed.isPending());

  EXPECT_TRUE(reader.close());
  EXPECT_FALSE(reader.close());
  AWAIT_READY(closed);
  EXPECT_TRUE(writer.readerClosed().isReady());
  EXPECT_FALSE(writer.write("more"));
  // The unread data is dropped; reads fail.
  AWAIT_EXPECT_FAILED(reader.read());
  // The writer may still say it is done.
  EXPECT_TRUE(writer.close());
}

TEST(PipeTest, ReaderCloseFailsPendingReads) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Future<std::string> read = reader.read();
  EXPECT_TRUE(reader.close());
  AWAIT_EXPECT_FAILURE_EQ("Pipe reader closed", read);
}

TEST(PipeTest, ReaderClosedStaysPendingAfterWriterClose) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  EXPECT_TRUE(writer.close());
  EXPECT_TRUE(writer.readerClosed().isPending());
  AWAIT_EXPECT_EQ("", reader.read());
  EXPECT_TRUE(reader.close());
  AWAIT_READY(writer.readerClosed());
}

TEST(PipeTest, HandlesAreCopiesOfOneEnd) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Reader readerCopy = reader;
  Pipe::Writer writer = pipe.writer();
  Pipe::Writer writerCopy = writer;
  EXPECT_TRUE(reader == readerCopy);
  EXPECT_TRUE(reader == pipe.reader());
  EXPECT_TRUE(writer == writerCopy);
  EXPECT_FALSE(Pipe().reader() == reader);

  EXPECT_TRUE(writerCopy.write("via copy"));
  AWAIT_EXPECT_EQ("via copy", reader.read());
  EXPECT_TRUE(writer.close());
  EXPECT_FALSE(writerCopy.close());
  AWAIT_EXPECT_EQ("", readerCopy.read());
}

TEST(PipeTest, ReadAllConcatenatesUntilTheEnd) {
  Pipe pipe;
  Pipe::Writer writer = pipe.writer();
  EXPECT_TRUE(writer.write("al"));
  Future<std::string> all = pipe.reader().readAll();
  EXPECT_TRUE(all.isPending());
  EXPECT_TRUE(writer.write("ready "));
  EXPECT_TRUE(writer.write("written"));
  EXPECT_TRUE(all.isPending());
  EXPECT_TRUE(writer.close());
  AWAIT_EXPECT_EQ("already written", all);
}

TEST(PipeTest, ReadAllOfClosedPipe) {
  Pipe pipe;
  EXPECT_TRUE(pipe.writer().write("x"));
  EXPECT_TRUE(pipe.writer().close());
  AWAIT_EXPECT_EQ("x", pipe.reader().readAll());
  AWAIT_EXPECT_EQ("", pipe.reader().readAll());
}

TEST(PipeTest, ReadAllOfManyQueuedPiecesDoesNotRecurse) {
  Pipe pipe;
  Pipe::Writer writer = pipe.writer();
  constexpr int kPieces = 200000;
  for (int i = 0; i < kPieces; ++i) {
    ASSERT_TRUE(writer.write("x"));
  }
  EXPECT_TRUE(writer.close());
  Future<std::string> all = pipe.reader().readAll();
  AWAIT_READY(all);
  EXPECT_EQ(std::string(kPieces, 'x'), all.get());
}

TEST(PipeTest, ReadAllFails) {
  Pipe pipe;
  Pipe::Writer writer = pipe.writer();
  Future<std::string> all = pipe.reader().readAll();
  EXPECT_TRUE(writer.write("partial"));
  EXPECT_TRUE(writer.fail("truncated"));
  AWAIT_EXPECT_FAILURE_EQ("truncated", all);

  Pipe closed;
  Future<std::string> read = closed.reader().readAll();
  EXPECT_TRUE(closed.reader().close());
  AWAIT_EXPECT_FAILED(read);
}

TEST(PipeTest, DiscardingAPendingReadWithdrawsIt) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Future<std::string> withdrawn = reader.read();
  Future<std::string> next = reader.read();
  EXPECT_TRUE(withdrawn.discard());
  AWAIT_DISCARDED(withdrawn);
  EXPECT_TRUE(pipe.writer().write("for next"));
  AWAIT_EXPECT_EQ("for next", next);
}

TEST(PipeTest, DiscardingACompletedReadLosesNothing) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  EXPECT_TRUE(pipe.writer().write("a"));
  Future<std::string> read = reader.read();
  EXPECT_FALSE(read.discard());
  AWAIT_EXPECT_EQ("a", read);
}

TEST(PipeTest, DiscardingReadAllStopsIt) {
  Pipe pipe;
  Pipe::Writer writer = pipe.writer();
  Future<std::string> all = pipe.reader().readAll();
  EXPECT_TRUE(writer.write("swallowed"));
  EXPECT_TRUE(all.discard());
  AWAIT_DISCARDED(all);
  // The reads it made are gone: the next write goes to the next reader.
  Future<std::string> read = pipe.reader().read();
  EXPECT_TRUE(writer.write("after"));
  AWAIT_EXPECT_EQ("after", read);
}

TEST(PipeTest, DroppingEveryWriterFailsThePipe) {
  Pipe::Reader reader = [] {
    Pipe pipe;
    EXPECT_TRUE(pipe.writer().write("before"));
    return pipe.reader();
  }();
  AWAIT_EXPECT_EQ("before", reader.read());
  AWAIT_EXPECT_FAILED(reader.read());
}

TEST(PipeTest, DroppingEveryWriterFailsPendingReads) {
  auto pipe = std::make_unique<Pipe>();
  Pipe::Reader reader = pipe->reader();
  Future<std::string> read = reader.read();
  Future<std::string> all = reader.readAll();
  pipe.reset();
  AWAIT_EXPECT_FAILED(read);
  AWAIT_EXPECT_FAILED(all);
}

TEST(PipeTest, DroppingEveryReaderClosesTheReadEnd) {
  Pipe::Writer writer = [] {
    Pipe pipe;
    return pipe.writer();
  }();
  AWAIT_READY(writer.readerClosed());
  EXPECT_FALSE(writer.write("nobody listens"));
}

TEST(PipeTest, HandlesOutliveThePipeObject) {
  Option<Pipe::Writer> writer;
  Pipe::Reader reader = [&writer] {
    Pipe pipe;
    writer = pipe.writer();
    return pipe.reader();
  }();
  EXPECT_TRUE(writer->write("still open"));
  EXPECT_TRUE(writer->readerClosed().isPending());
  AWAIT_EXPECT_EQ("still open", reader.read());
  EXPECT_TRUE(writer->close());
  AWAIT_EXPECT_EQ("", reader.read());
}

TEST(PipeTest, CallbacksMayUseThePipe) {
  // A read's continuation runs on the writing thread, inside write(): it
  // must be able to read and write again without deadlock.
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  Future<std::string> echo;
  reader.read().onReady([&](const std::string& data) {
    EXPECT_TRUE(writer.write(data + "!"));
    echo = reader.read();
  });
  EXPECT_TRUE(writer.write("ping"));
  AWAIT_EXPECT_EQ("ping!", echo);
}

// A writer thread against a reader whose continuations read on; another
// reader thread uses readAll. Run under TSan.
TEST(PipeTest, WriterThreadAndReaderContinuations) {
  constexpr int kPieces = 20000;
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();

  struct Chain {
    Pipe::Reader reader;
    std::string received;
    Promise<std::string> done;

    // Takes what is already there in a loop, so that a long queue does not
    // make a deep stack; waits with a continuation otherwise.
    static void next(const std::shared_ptr<Chain>& self) {
      while (true) {
        Future<std::string> read = self->reader.read();
        if (read.isPending()) {
          read.onAny([self](const Future<std::string>& done) {
            if (consume(*self, done)) {
              next(self);
            }
          });
          return;
        }
        if (!consume(*self, read)) {
          return;
        }
      }
    }

    static bool consume(Chain& chain, const Future<std::string>& read) {
      if (!read.isReady()) {
        chain.done.fail("read failed");
        return false;
      }
      if (read.get().empty()) {
        chain.done.set(chain.received);
        return false;
      }
      chain.received += read.get();
      return true;
    }
  };
  auto chain = std::make_shared<Chain>(Chain{reader, {}, {}});
  Future<std::string> received = chain->done.future();
  Chain::next(chain);

  std::string expected;
  for (int i = 0; i < kPieces; ++i) {
    expected += std::to_string(i) + ",";
  }
  std::thread thread([writer] {
    for (int i = 0; i < kPieces; ++i) {
      CHECK(writer.write(std::to_string(i) + ","));
    }
    CHECK(writer.close());
  });
  AWAIT_EXPECT_EQ(expected, received);
  thread.join();
}

TEST(PipeTest, ConcurrentWritersAndReadAll) {
  constexpr int kWriters = 4;
  constexpr int kPieces = 5000;
  Pipe pipe;
  Future<std::string> all = pipe.reader().readAll();
  Pipe::Writer writer = pipe.writer();
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([writer, w, &finished] {
      const std::string piece(1, static_cast<char>('a' + w));
      for (int i = 0; i < kPieces; ++i) {
        CHECK(writer.write(piece));
      }
      if (finished.fetch_add(1) + 1 == kWriters) {
        CHECK(writer.close());
      }
    });
  }
  AWAIT_READY(all);
  for (std::thread& thread : threads) {
    thread.join();
  }
  ASSERT_EQ(size_t{kWriters} * kPieces, all->size());
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(kPieces, std::count(all->begin(), all->end(), 'a' + w));
  }
}

TEST(PipeTest, ReaderCloseRacingTheWriter) {
  Pipe pipe;
  Pipe::Reader reader = pipe.reader();
  Pipe::Writer writer = pipe.writer();
  std::thread thread([writer] {
    // Writes succeed until the reader's close is seen, then never again.
    bool open = true;
    while (open) {
      open = writer.write("data");
    }
    CHECK(!writer.write("data"));
  });
  AWAIT_EXPECT_EQ("data", reader.read());
  EXPECT_TRUE(reader.close());
  AWAIT_READY(writer.readerClosed());
  thread.join();
}

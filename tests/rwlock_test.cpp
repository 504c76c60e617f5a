// ReadWriteLock: many readers or one writer, served in FIFO groups.
#include <gtest/gtest.h>

#include <process/future.hpp>
#include <process/gtest.hpp>
#include <process/rwlock.hpp>

using namespace process;

TEST(ReadWriteLockTest, LockWhenUnlocked) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.write_lock().isReady());
  lock.write_unlock();
  EXPECT_TRUE(lock.read_lock().isReady());
  lock.read_unlock();
  EXPECT_TRUE(lock.write_lock().isReady());
  lock.write_unlock();
}

TEST(ReadWriteLockTest, BlockReads) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.write_lock().isReady());
  Future<Nothing> read = lock.read_lock();
  EXPECT_TRUE(read.isPending());
  lock.write_unlock();
  EXPECT_TRUE(read.isReady());
  lock.read_unlock();
}

TEST(ReadWriteLockTest, BlockWrites) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.write_lock().isReady());
  Future<Nothing> write = lock.write_lock();
  EXPECT_TRUE(write.isPending());
  lock.write_unlock();
  EXPECT_TRUE(write.isReady());
  lock.write_unlock();

  EXPECT_TRUE(lock.read_lock().isReady());
  write = lock.write_lock();
  EXPECT_TRUE(write.isPending());
  lock.read_unlock();
  EXPECT_TRUE(write.isReady());
  lock.write_unlock();
}

TEST(ReadWriteLockTest, ConcurrentReads) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.read_lock().isReady());
  EXPECT_TRUE(lock.read_lock().isReady());
  EXPECT_TRUE(lock.read_lock().isReady());
  Future<Nothing> write = lock.write_lock();
  EXPECT_TRUE(write.isPending());
  lock.read_unlock();
  EXPECT_TRUE(write.isPending());
  lock.read_unlock();
  EXPECT_TRUE(write.isPending());
  lock.read_unlock();
  EXPECT_TRUE(write.isReady());
  lock.write_unlock();
}

TEST(ReadWriteLockTest, NoStarvation) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.read_lock().isReady());
  // Queued: WRITE1, READ1, READ2, WRITE2, READ3, READ4. Readers enter in
  // groups that do not cross a writer.
  Future<Nothing> write1 = lock.write_lock();
  Future<Nothing> read1 = lock.read_lock();
  Future<Nothing> read2 = lock.read_lock();
  Future<Nothing> write2 = lock.write_lock();
  Future<Nothing> read3 = lock.read_lock();
  Future<Nothing> read4 = lock.read_lock();
  EXPECT_TRUE(write1.isPending());
  EXPECT_TRUE(read1.isPending());

  lock.read_unlock();
  EXPECT_TRUE(write1.isReady());
  EXPECT_TRUE(read1.isPending());
  EXPECT_TRUE(read2.isPending());

  lock.write_unlock();
  EXPECT_TRUE(read1.isReady());
  EXPECT_TRUE(read2.isReady());
  EXPECT_TRUE(write2.isPending());
  EXPECT_TRUE(read3.isPending());

  lock.read_unlock();
  lock.read_unlock();
  EXPECT_TRUE(write2.isReady());
  EXPECT_TRUE(read3.isPending());
  EXPECT_TRUE(read4.isPending());

  lock.write_unlock();
  EXPECT_TRUE(read3.isReady());
  EXPECT_TRUE(read4.isReady());
  lock.read_unlock();
  lock.read_unlock();
  EXPECT_TRUE(lock.write_lock().isReady());
}

TEST(ReadWriteLockTest, ReaderWaitsBehindQueuedWriter) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.read_lock().isReady());
  Future<Nothing> write = lock.write_lock();
  // A reader holds the lock, but a writer waits: this reader queues.
  Future<Nothing> read = lock.read_lock();
  EXPECT_TRUE(read.isPending());
  lock.read_unlock();
  EXPECT_TRUE(write.isReady());
  EXPECT_TRUE(read.isPending());
  lock.write_unlock();
  EXPECT_TRUE(read.isReady());
  lock.read_unlock();
}

TEST(ReadWriteLockTest, DiscardedWriterLetsReadersBehindItIn) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.read_lock().isReady());
  Future<Nothing> write = lock.write_lock();
  Future<Nothing> read = lock.read_lock();
  EXPECT_TRUE(read.isPending());
  write.discard();
  EXPECT_TRUE(write.isDiscarded());
  // Nothing stands between the reader and the readers holding the lock.
  EXPECT_TRUE(read.isReady());
  lock.read_unlock();
  lock.read_unlock();
  EXPECT_TRUE(lock.write_lock().isReady());
}

TEST(ReadWriteLockTest, DiscardedReaderIsSkipped) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.write_lock().isReady());
  Future<Nothing> read = lock.read_lock();
  Future<Nothing> write = lock.write_lock();
  read.discard();
  EXPECT_TRUE(read.isDiscarded());
  lock.write_unlock();
  EXPECT_TRUE(write.isReady());
  lock.write_unlock();
  EXPECT_TRUE(lock.write_lock().isReady());
}

TEST(ReadWriteLockTest, UnlockWithoutLockIsIgnored) {
  ReadWriteLock lock;
  lock.read_unlock();   // logged, no crash
  lock.write_unlock();  // logged, no crash
  EXPECT_TRUE(lock.read_lock().isReady());
  lock.write_unlock();  // a reader holds it: ignored
  Future<Nothing> write = lock.write_lock();
  EXPECT_TRUE(write.isPending());
  lock.read_unlock();
  EXPECT_TRUE(write.isReady());
}

TEST(ReadWriteLockTest, CopiesShareTheLock) {
  ReadWriteLock lock;
  ReadWriteLock copy = lock;
  EXPECT_TRUE(lock.write_lock().isReady());
  Future<Nothing> read = copy.read_lock();
  EXPECT_TRUE(read.isPending());
  copy.write_unlock();
  EXPECT_TRUE(read.isReady());
}

TEST(ReadWriteLockTest, WaitersLeftWhenTheLockGoesAreDiscarded) {
  Future<Nothing> read;
  Future<Nothing> write;
  {
    ReadWriteLock lock;
    EXPECT_TRUE(lock.write_lock().isReady());
    read = lock.read_lock();
    write = lock.write_lock();
  }
  AWAIT_DISCARDED(read);
  AWAIT_DISCARDED(write);
}

TEST(ReadWriteLockTest, CallbackMayLockAgain) {
  ReadWriteLock lock;
  EXPECT_TRUE(lock.write_lock().isReady());
  Future<Nothing> again;
  lock.read_lock().onReady([&] { again = lock.write_lock(); });
  lock.write_unlock();
  EXPECT_TRUE(again.isPending());
  lock.read_unlock();
  EXPECT_TRUE(again.isReady());
}

// LogCapture: what glog logs, every severity, while it exists (a test
// checks what a failure logged, or that a secret was never logged).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

#include <glog/logging.h>

class LogCapture : public google::LogSink {
 public:
  LogCapture() { google::AddLogSink(this); }
  ~LogCapture() override { google::RemoveLogSink(this); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  void send(google::LogSeverity, const char*, const char*, int,
            const google::LogMessageTime&, const char* message,
            size_t length) override {
    std::lock_guard<std::mutex> guard(mutex_);
    text_.append(message, length).append("\n");
  }
  std::string text() {
    std::lock_guard<std::mutex> guard(mutex_);
    return text_;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

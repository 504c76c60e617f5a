// A consumer with protocol buffers of its own, compiled against the
// installed package: find_package(Procession) brought libprotobuf and
// protobuf_generate(). A ProtobufProcess answers a question through
// reply(), asked once with Protocol and once by another ProtobufProcess
// whose field-form handler takes the repeated field as a vector. Exits 0
// when every answer is right.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <process/future.hpp>
#include <process/id.hpp>
#include <process/process.hpp>
#include <process/protobuf.hpp>

#include "consumer.pb.h"

using consumer::Answer;
using consumer::Question;

class Oracle : public ProtobufProcess<Oracle> {
 public:
  Oracle() : ProcessBase(process::ID::generate("oracle")) {
    install<Question>(&Oracle::question);
  }

 private:
  void question(const process::UPID&, const Question& question) {
    Answer answer;
    answer.set_text("42");
    answer.add_words(question.text());
    answer.add_words("answered");
    reply(answer);
  }
};

class Asker : public ProtobufProcess<Asker> {
 public:
  Asker() : ProcessBase(process::ID::generate("asker")) {
    install<Answer>(&Asker::answer, &Answer::text, &Answer::words);
  }

  void ask(const process::UPID& oracle) {
    Question question;
    question.set_text("why");
    send(oracle, question);
  }

  process::Promise<std::string> heard;

 private:
  void answer(const std::string& text, const std::vector<std::string>& words) {
    heard.set(text + " " + words.at(0) + " " + words.at(1));
  }
};

int main() {
  Oracle oracle;
  Asker asker;
  process::spawn(oracle);
  process::spawn(asker);

  Question question;
  question.set_text("what");
  process::Future<Answer> answer = Protocol<Question, Answer>()(
      oracle.self(), question, process::Seconds(30));
  process::dispatch(asker.self(), &Asker::ask, oracle.self());
  process::Future<std::string> heard = asker.heard.future();

  const bool answered = answer.await(process::Seconds(30)) &&
                        answer.isReady() && answer->text() == "42" &&
                        answer->words(0) == "what";
  const bool told = heard.await(process::Seconds(30)) && heard.isReady() &&
                    heard.get() == "42 why answered";
  process::terminate(oracle);
  process::terminate(asker);
  process::wait(oracle);
  process::wait(asker);
  std::cout << "protobuf consumer: Protocol " << (answered ? "ok" : "FAILED")
            << ", send/reply " << (told ? "ok" : "FAILED") << std::endl;
  return answered && told ? EXIT_SUCCESS : EXIT_FAILURE;
}

// One error model for the whole program: typed exceptions, caught once in main and
// mapped to an exit code and a single line on stderr.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace kapp {

// Base of every error we expect to report to a user. what() is the one line they see.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = 1)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// The command line is wrong (unknown flag, missing argument).
class UsageError : public Error {
 public:
  using Error::Error;
};

// Kubeconfig, in-cluster configuration or credentials are missing or broken.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file given by the user is malformed or violates the schema.
class InputError : public Error {
 public:
  using Error::Error;
};

// Documents that fail validation: one line per problem (what() is the first), all printed.
class InvalidInput : public InputError {
 public:
  explicit InvalidInput(std::vector<std::string> problems, int exit_code = 1)
      : InputError(problems.empty() ? std::string("invalid input") : problems.front(), exit_code),
        problems_(std::move(problems)) {}
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// The API server could not be reached, or TLS failed; nothing was answered.
class TransportError : public Error {
 public:
  // TimedOut: no answer within the request timeout. ConnectionBroken: the connection was reset
  // or closed before the answer was whole (client-go retries a GET then; see client.cpp).
  enum class Kind { Other, TimedOut, ConnectionBroken };
  explicit TransportError(const std::string& message, bool timed_out = false)
      : Error(message), kind_(timed_out ? Kind::TimedOut : Kind::Other) {}
  TransportError(const std::string& message, Kind kind) : Error(message), kind_(kind) {}
  bool timed_out() const { return kind_ == Kind::TimedOut; }
  bool connection_broken() const { return kind_ == Kind::ConnectionBroken; }

 private:
  Kind kind_;
};

// One field-level cause of an Invalid or Conflict answer.
struct StatusCause {
  std::string type;
  std::string field;
  std::string message;
};

// The API server answered with a failure Status.
class ApiError : public Error {
 public:
  ApiError(int code, std::string reason, const std::string& message,
           std::vector<StatusCause> causes = {}, int retry_after_seconds = 0)
      : Error(message),
        code_(code),
        reason_(std::move(reason)),
        causes_(std::move(causes)),
        retry_after_seconds_(retry_after_seconds) {}

  int code() const { return code_; }
  // The machine-readable reason: NotFound, AlreadyExists, Conflict, Invalid, Forbidden, ...
  const std::string& reason() const { return reason_; }
  const std::vector<StatusCause>& causes() const { return causes_; }
  int retry_after_seconds() const { return retry_after_seconds_; }

  bool not_found() const { return code_ == 404; }
  bool conflict() const { return code_ == 409; }
  bool gone() const { return code_ == 410; }
  bool unauthorized() const { return code_ == 401; }
  bool forbidden() const { return code_ == 403; }
  bool invalid() const { return code_ == 422; }

 private:
  int code_;
  std::string reason_;
  std::vector<StatusCause> causes_;
  int retry_after_seconds_;
};

}  // namespace kapp

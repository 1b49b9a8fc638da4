#include "tests/support/mosquitto.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <random>
#include <sstream>

#include "core/errors.h"

namespace kapp::test {
namespace {

using namespace std::chrono_literals;

bool loopback_port(int port, bool connect_to) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const auto* a = reinterpret_cast<const sockaddr*>(&addr);
  const bool ok = (connect_to ? connect(fd, a, sizeof addr) : bind(fd, a, sizeof addr)) == 0;
  close(fd);
  return ok;
}

// Below the kernel's ephemeral range (and below the 20000+ the test cluster takes), so that no
// outgoing connection can hold the port while the broker is stopped and the test restarts it.
int free_port() {
  static std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> ports(10000, 19999);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int port = ports(rng);
    if (loopback_port(port, false)) return port;
  }
  throw Error("no free loopback port for mosquitto in 10000-19999");
}

// Run as root, mosquitto switches to the user `mosquitto`, which could not write its sessions
// into our temporary directory; naming the current user keeps it as it is.
std::string current_user() {
  const auto* pw = getpwuid(getuid());
  return pw != nullptr ? pw->pw_name : "root";
}

}  // namespace

MosquittoBroker::MosquittoBroker(std::optional<MqttLogin> login)
    : port_(free_port()), login_(std::move(login)) {
  std::ostringstream conf;
  conf << "listener " << port_ << " 127.0.0.1\n";
  if (login_) {
    const auto passwords = dir_.path() + "/passwords";
    const auto made =
        run({"mosquitto_passwd", "-c", "-b", passwords, login_->username, login_->password});
    if (made.exit_code != 0) throw Error("mosquitto_passwd failed: " + made.err);
    conf << "allow_anonymous false\npassword_file " << passwords << "\n";
  } else {
    conf << "allow_anonymous true\n";
  }
  conf << "user " << current_user()
       << "\n"
       // Sessions (the subscriber's subscription and queue) survive stop() and start().
       << "persistence true\n"
       << "persistence_location " << dir_.path()
       << "/\n"
       // Notifications are QoS 1; queue QoS 0 ones too for a subscriber that is reconnecting.
       << "queue_qos0_messages true\n"
       << "log_dest stdout\n"
       << "log_type all\n";
  config_ = dir_.write("mosquitto.conf", conf.str());
  start();
}

MosquittoBroker::~MosquittoBroker() = default;

std::string MosquittoBroker::url(const std::string& topic) const {
  return "mqtt://127.0.0.1:" + std::to_string(port_) + "/" + topic;
}

void MosquittoBroker::start() {
  if (process_ && process_->running()) return;
  if (process_) log_ += process_->output();
  process_ =
      std::make_unique<BackgroundProcess>(std::vector<std::string>{"mosquitto", "-c", config_});
  if (!eventually([&] { return loopback_port(port_, true) || !process_->running(); }, 10s) ||
      !process_->running()) {
    throw Error("mosquitto did not start on port " + std::to_string(port_) + ":\n" + log());
  }
}

void MosquittoBroker::stop() {
  if (!process_ || !process_->running()) return;
  process_->signal(SIGTERM);
  if (process_->wait(10s) == -1) throw Error("mosquitto did not stop:\n" + log());
}

std::string MosquittoBroker::log() const { return log_ + (process_ ? process_->output() : ""); }

MqttSubscriber::MqttSubscriber(const MosquittoBroker& broker, const std::string& topic)
    : topic_(topic) {
  static std::mt19937 rng{std::random_device{}()};
  const auto id = "kapp-test-" + std::to_string(rng());
  const auto probe = id + "/ready";
  std::vector<std::string> client = {"-h", "127.0.0.1", "-p", std::to_string(broker.port())};
  if (const auto& login = broker.login())
    client.insert(client.end(), {"-u", login->username, "-P", login->password});
  auto sub = client;
  sub.insert(sub.begin(), "mosquitto_sub");
  sub.insert(sub.end(),
             {"-i", id, "--disable-clean-session", "-q", "1", "-v", "-t", topic, "-t", probe});
  process_ = std::make_unique<BackgroundProcess>(sub);
  auto pub = client;
  pub.insert(pub.begin(), "mosquitto_pub");
  pub.insert(pub.end(), {"-t", probe, "-m", "ready"});
  // Both topics are in one SUBSCRIBE: once the probe comes back, the topic is subscribed too.
  const bool ready = eventually(
      [&] {
        run(pub);
        return process_->output().find(probe + " ready") != std::string::npos;
      },
      10s);
  if (!ready) throw Error("mosquitto_sub did not subscribe:\n" + process_->output());
}

std::vector<std::string> MqttSubscriber::messages() const {
  std::vector<std::string> payloads;
  auto out = process_->output();
  out.erase(out.rfind('\n') == std::string::npos ? 0
                                                 : out.rfind('\n') + 1);  // a line being written
  std::istringstream lines(out);
  const auto prefix = topic_ + " ";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) payloads.push_back(line.substr(prefix.size()));
  }
  return payloads;
}

}  // namespace kapp::test

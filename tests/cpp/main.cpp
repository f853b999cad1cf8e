// A C++17 user of the installed libcredchain (found through pkg-config, see CMakeLists.txt).
//
// It shows the header's ownership rules as C++ types: every handle lives in a std::unique_ptr
// whose deleter is the matching credchain_*_free; a credchain_resolver takes a configuration
// handle over (the unique_ptr releases it); strings come out through the two-call pattern; a
// copied secret is wiped before its memory goes. Failures become exceptions carrying the
// result code and the library's detailed message.
//
// It makes its own temporary HOME with a config and a credentials file, removes every AWS_*
// variable and sets AWS_EC2_METADATA_DISABLED=true first, so it never reads the real ~/.aws
// and never reaches for instance metadata. Exit status 0 when every check holds.

#include <credchain.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char **environ;

namespace credchain {

// Each handle type with the function that frees it.
struct ConfigFree {
    void operator()(credchain_config *cfg) const noexcept { credchain_config_free(cfg); }
};
struct CredentialsFree {
    void operator()(credchain_credentials *creds) const noexcept {
        credchain_credentials_free(creds);
    }
};
struct ResolverFree {
    void operator()(credchain_resolver *resolver) const noexcept {
        credchain_resolver_free(resolver);
    }
};
using ConfigPtr = std::unique_ptr<credchain_config, ConfigFree>;
using CredentialsPtr = std::unique_ptr<credchain_credentials, CredentialsFree>;
using ResolverPtr = std::unique_ptr<credchain_resolver, ResolverFree>;

// A failed call: its code and the detailed message credchain recorded for it.
class Error : public std::runtime_error {
  public:
    Error(credchain_result code, const std::string &message)
        : std::runtime_error(message), code_(code) {}
    credchain_result code() const noexcept { return code_; }

  private:
    credchain_result code_;
};

// The two-call pattern: ask for the size, allocate it, call again. `call(buf, len, &out_len)`.
template <typename Call> credchain_result read_string(Call call, std::string &out) {
    size_t needed = 0;
    credchain_result r = call(nullptr, 0, &needed);
    if (r != CREDCHAIN_RESULT_BUFFER_TOO_SMALL) {
        return r;  // an error, or (never for a non-empty string) OK
    }
    std::vector<char> buf(needed);
    size_t len = 0;
    r = call(buf.data(), buf.size(), &len);
    if (r == CREDCHAIN_RESULT_OK) {
        out.assign(buf.data(), len);
    }
    return r;
}

std::string thread_last_error() {
    std::string message;
    read_string([](char *b, size_t l, size_t *n) { return credchain_thread_last_error(b, l, n); },
                message);
    return message;
}

std::string last_error(const credchain_config *cfg) {
    std::string message;
    read_string(
        [cfg](char *b, size_t l, size_t *n) { return credchain_config_last_error(cfg, b, l, n); },
        message);
    return message;
}

// A string holding a secret: its bytes are overwritten before the memory is released.
class Secret {
  public:
    Secret() = default;
    Secret(const Secret &) = delete;
    Secret &operator=(const Secret &) = delete;
    ~Secret() { wipe(); }
    std::string &value() noexcept { return value_; }
    void wipe() noexcept {
        volatile char *p = value_.data();
        for (size_t i = 0; i < value_.size(); i++) {
            p[i] = '\0';
        }
        value_.clear();
    }

  private:
    std::string value_;
};

struct Setting {
    std::string value;
    credchain_source_kind kind;
    std::string path;  // copied: credchain_source.path lives only as long as the handle
    uint32_t line;
};

class Credentials {
  public:
    explicit Credentials(credchain_credentials *raw) : handle_(raw) {}

    std::string access_key_id() const {
        return get([this](char *b, size_t l, size_t *n) {
            return credchain_credentials_access_key_id(handle_.get(), b, l, n);
        });
    }
    // The caller's Secret wipes the copy when it goes.
    void secret_access_key(Secret &out) const {
        const credchain_result r = read_string(
            [this](char *b, size_t l, size_t *n) {
                return credchain_credentials_secret_access_key(handle_.get(), b, l, n);
            },
            out.value());
        check(r, "secret_access_key");
    }
    bool expires() const {
        int64_t at = 0;
        return credchain_credentials_expiration(handle_.get(), &at) == CREDCHAIN_RESULT_OK;
    }
    std::string provider() const {
        credchain_provider p{};
        check(credchain_credentials_provider(handle_.get(), &p), "provider");
        const char *name = credchain_provider_name(static_cast<uint32_t>(p));
        return name ? name : "";
    }

  private:
    static void check(credchain_result r, const char *what) {
        if (r != CREDCHAIN_RESULT_OK) {
            throw Error(r, std::string("credentials ") + what + " failed");
        }
    }
    template <typename Call> static std::string get(Call call) {
        std::string out;
        check(read_string(call, out), "accessor");
        return out;
    }
    CredentialsPtr handle_;
};

class Config {
  public:
    // A handle over the process's environment and files; `profile` empty: the default chain.
    static Config from_host(const std::string &profile = "") {
        credchain_options opts{};
        opts.profile = profile.empty() ? nullptr : profile.c_str();
        credchain_config *raw = nullptr;
        const credchain_result r = credchain_config_new_host(&opts, &raw);
        if (r != CREDCHAIN_RESULT_OK) {
            throw Error(r, thread_last_error());
        }
        return Config(ConfigPtr(raw));
    }

    Setting resolve(const char *name) const {
        Setting s{};
        credchain_source src{};
        const credchain_result r = read_string(
            [&](char *b, size_t l, size_t *n) {
                return credchain_config_resolve(handle_.get(), name, b, l, n, &src);
            },
            s.value);
        if (r != CREDCHAIN_RESULT_OK) {
            throw Error(r, last_error(handle_.get()));
        }
        s.kind = src.kind;
        s.path = src.path ? src.path : "";
        s.line = src.line;
        return s;
    }

    Credentials credentials() const {
        credchain_credentials *raw = nullptr;
        const credchain_result r = credchain_config_resolve_credentials(handle_.get(), &raw);
        if (r != CREDCHAIN_RESULT_OK) {
            throw Error(r, last_error(handle_.get()));
        }
        return Credentials(raw);
    }

    // Gives the handle up (to a credchain_resolver, which frees it).
    credchain_config *release() noexcept { return handle_.release(); }

  private:
    explicit Config(ConfigPtr handle) : handle_(std::move(handle)) {}
    ConfigPtr handle_;
};

// Thread-safe: any number of threads may ask for credentials at once.
class Resolver {
  public:
    explicit Resolver(Config &&config) {
        credchain_config *cfg = config.release();
        credchain_resolver *raw = nullptr;
        const credchain_result r = credchain_resolver_new(cfg, &raw);
        if (r != CREDCHAIN_RESULT_OK) {
            credchain_config_free(cfg);  // not taken over on failure
            throw Error(r, thread_last_error());
        }
        handle_.reset(raw);
    }
    Credentials credentials() const {
        credchain_credentials *raw = nullptr;
        const credchain_result r = credchain_resolver_credentials(handle_.get(), &raw);
        if (r != CREDCHAIN_RESULT_OK) {
            throw Error(r, thread_last_error());
        }
        return Credentials(raw);
    }
    uint64_t resolutions() const noexcept { return credchain_resolver_resolutions(handle_.get()); }

  private:
    ResolverPtr handle_;
};

}  // namespace credchain

namespace {

int failures = 0;

void check(bool ok, const std::string &what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAILED", what.c_str());
    if (!ok) {
        failures++;
    }
}

void write_file(const std::filesystem::path &path, const char *text) {
    std::ofstream f(path);
    f << text;
    if (!f) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

void unset_aws_variables() {
    std::vector<std::string> names;
    for (char **e = environ; *e != nullptr; e++) {
        if (std::strncmp(*e, "AWS_", 4) == 0) {
            const char *eq = std::strchr(*e, '=');
            names.emplace_back(*e, eq ? static_cast<size_t>(eq - *e) : std::strlen(*e));
        }
    }
    for (const std::string &name : names) {
        unsetenv(name.c_str());
    }
}

const char CONFIG[] =
    "[default]\n"
    "region = eu-west-1\n"
    "\n"
    "[profile dev]\n"
    "region = us-west-2\n"
    "output = json\n";

const char CREDENTIALS[] =
    "[dev]\n"
    "aws_access_key_id = AKIDCPPEXAMPLE\n"
    "aws_secret_access_key = cppSecretKeyExample\n";

void run(const std::filesystem::path &home) {
    using credchain::Config;
    using credchain::Error;

    check(std::string(credchain_version()) == CREDCHAIN_PC_VERSION,
          std::string("credchain_version() ") + credchain_version() +
              " is credchain.pc's Version " + CREDCHAIN_PC_VERSION);

    const Config dev = Config::from_host("dev");
    const credchain::Setting region = dev.resolve("region");
    check(region.value == "us-west-2" && region.kind == CREDCHAIN_SOURCE_KIND_CONFIG_FILE &&
              region.path == (home / ".aws" / "config").string() && region.line == 5,
          "region of dev: " + region.value + " from " + region.path + ":" +
              std::to_string(region.line));
    check(Config::from_host().resolve("region").value == "eu-west-1", "region of default");

    const credchain::Credentials creds = dev.credentials();
    check(creds.access_key_id() == "AKIDCPPEXAMPLE", "access key id " + creds.access_key_id());
    {
        credchain::Secret secret;
        creds.secret_access_key(secret);
        check(secret.value() == "cppSecretKeyExample", "secret access key");
    }  // wiped here
    check(creds.provider() == "shared-credentials-file" && !creds.expires(),
          "provider " + creds.provider() + ", no expiry");

    // A failure: the code, and a message naming the profile.
    try {
        Config::from_host("nope").resolve("region");
        check(false, "profile nope resolves");
    } catch (const Error &e) {
        check(e.code() == CREDCHAIN_RESULT_PROFILE_NOT_FOUND &&
                  std::strstr(e.what(), "nope") != nullptr,
              std::string("profile nope: ") + e.what());
    }
    // A file that does not parse: credchain_config_new_host fails, the thread's error says where.
    const std::filesystem::path broken = home / "broken-config";
    write_file(broken, "[default]\nregion = a\n[default]\nregion = b\n");
    setenv("AWS_CONFIG_FILE", broken.c_str(), 1);
    try {
        Config::from_host();
        check(false, "a duplicate section parses");
    } catch (const Error &e) {
        check(e.code() == CREDCHAIN_RESULT_PARSE_DUPLICATE_SECTION &&
                  std::strstr(e.what(), (broken.string() + ":3").c_str()) != nullptr,
              std::string("duplicate section: ") + e.what());
    }
    unsetenv("AWS_CONFIG_FILE");

    // One resolver shared by four threads: long-term keys are resolved once and held.
    const credchain::Resolver resolver(Config::from_host("dev"));
    std::vector<std::string> keys(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < keys.size(); i++) {
        threads.emplace_back([&resolver, &keys, i] {
            try {
                keys[i] = resolver.credentials().access_key_id();
            } catch (const Error &e) {
                keys[i] = e.what();
            }
        });
    }
    for (std::thread &t : threads) {
        t.join();
    }
    bool all = true;
    for (const std::string &k : keys) {
        all = all && k == "AKIDCPPEXAMPLE";
    }
    check(all && resolver.resolutions() == 1,
          "4 threads, 1 resolution (" + std::to_string(resolver.resolutions()) + ")");
}

}  // namespace

int main() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "credchain-cpp.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
        std::perror("mkdtemp");
        return 2;
    }
    const std::filesystem::path home(tmpl);
    int status = 0;
    try {
        std::filesystem::create_directory(home / ".aws");
        write_file(home / ".aws" / "config", CONFIG);
        write_file(home / ".aws" / "credentials", CREDENTIALS);
        unset_aws_variables();
        setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
        setenv("HOME", home.c_str(), 1);
        run(home);
        status = failures == 0 ? 0 : 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        status = 1;
    }
    std::error_code ignored;
    std::filesystem::remove_all(home, ignored);
    std::printf("%s\n", status == 0 ? "all checks passed" : "some checks FAILED");
    return status;
}

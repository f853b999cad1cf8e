/*
 * The C test of libcredchain: compiled with -Wall -Wextra -Werror against include/credchain.h,
 * linked against the library built by cargo, and run by tests/c/run (also under valgrind).
 *
 * It never reads the real ~/.aws: before anything else it points HOME at a fresh temporary
 * directory and removes every AWS_* variable from its environment.
 *
 * Prints one line per failed check and ends with "N passed, M failed"; exits 1 on any failure.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#define _POSIX_C_SOURCE 200809L

#include "credchain.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int passed;
static int failed;

static void check_at(int ok, const char *file, int line, const char *what, const char *fmt, ...) {
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "FAIL %s:%d: %s", file, line, what);
    if (fmt[0] != '\0') {
        va_list ap;
        va_start(ap, fmt);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
    fputc('\n', stderr);
}

/* CHECK(condition, printf-style detail shown on failure) */
#define CHECK(cond, ...) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond, __VA_ARGS__)

static const char *code_name(credchain_result r) {
    static char buf[256];
    size_t n = 0;
    if (credchain_result_message(r, buf, sizeof buf, &n) != CREDCHAIN_RESULT_OK) {
        return "(no message)";
    }
    return buf;
}

/* The handle's last detailed error, into a static buffer. */
static const char *last_error(const credchain_config *cfg) {
    static char buf[2048];
    size_t n = 0;
    buf[0] = '\0';
    if (credchain_config_last_error(cfg, buf, sizeof buf, &n) != CREDCHAIN_RESULT_OK) {
        return "(last error unavailable)";
    }
    return buf;
}

/* The thread's last detailed error, into a static buffer. */
static const char *thread_error(void) {
    static char buf[2048];
    size_t n = 0;
    buf[0] = '\0';
    if (credchain_thread_last_error(buf, sizeof buf, &n) != CREDCHAIN_RESULT_OK) {
        return "(thread error unavailable)";
    }
    return buf;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void unset_aws_variables(void) {
    for (;;) {
        char name[256];
        int found = 0;
        for (char **e = environ; *e != NULL; e++) {
            if (strncmp(*e, "AWS_", 4) == 0) {
                const char *eq = strchr(*e, '=');
                size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
                if (len >= sizeof name) {
                    len = sizeof name - 1;
                }
                memcpy(name, *e, len);
                name[len] = '\0';
                found = 1;
                break;
            }
        }
        if (!found) {
            return;
        }
        unsetenv(name);
    }
}

/* Paths of the temporary HOME. */
static char home[256];
static char aws_dir[300];
static char config_path[320];
static char credentials_path[320];
static char broken_path[320];
static char creds_config_path[320];
static char proc_script[320];
static char fail_script[320];

static const char CONFIG[] =
    "[default]\n"                          /* 1 */
    "region = us-west-2\n"                 /* 2 */
    "output = json\n"                      /* 3 */
    "s3 =\n"                               /* 4 */
    "  max_concurrent_requests = 20\n"     /* 5 */
    "\n"                                   /* 6 */
    "[profile dev]\n"                      /* 7 */
    "region = eu-west-1\n";                /* 8 */

static const char CREDENTIALS[] =
    "[default]\n"                          /* 1 */
    "aws_access_key_id = AKIDEXAMPLE\n"    /* 2 */
    "aws_secret_access_key = not-a-real-secret\n" /* 3 */
    "\n"                                   /* 4 */
    "[dev]\n"                              /* 5 */
    "output = text\n"                      /* 6 */
    "\n"                                   /* 7 */
    "[creds-only]\n"                       /* 8 */
    "aws_access_key_id = AKIDOTHER\n";     /* 9 */

/* A config file the AWS CLI refuses (a repeated section) and the SDKs accept (they merge). */
static const char BROKEN[] =
    "[default]\n"                          /* 1 */
    "region = us-west-2\n"                 /* 2 */
    "\n"                                   /* 3 */
    "[default]\n"                          /* 4 */
    "output = text\n";                     /* 5 */

/* A credential_process helper: prints Version 1 JSON; with --account, its AccountId too. */
static const char PROC_SCRIPT[] =
    "#!/bin/sh\n"
    "account=''\n"
    "if [ \"$1\" = --account ]; then account=', \"AccountId\": \"123456789012\"'; fi\n"
    "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": "
    "\"procsecret\", \"SessionToken\": \"proctoken\", \"Expiration\": "
    "\"2099-01-02T03:04:05Z\"%s}\\n' \"$account\"\n";

/* A helper that fails the way a broken token service does. */
static const char FAIL_SCRIPT[] =
    "#!/bin/sh\n"
    "echo 'token service down: try again later' >&2\n"
    "exit 3\n";

/* The config file of the credential tests (AWS_CONFIG_FILE), made in make_credential_files. */
static char creds_config[2048];

static void make_credential_files(void) {
    snprintf(creds_config_path, sizeof creds_config_path, "%s/creds-config", home);
    snprintf(proc_script, sizeof proc_script, "%s/proc.sh", home);
    snprintf(fail_script, sizeof fail_script, "%s/fail.sh", home);
    write_file(proc_script, PROC_SCRIPT);
    write_file(fail_script, FAIL_SCRIPT);
    if (chmod(proc_script, 0700) != 0 || chmod(fail_script, 0700) != 0) {
        perror("chmod");
        exit(2);
    }
    snprintf(creds_config, sizeof creds_config,
             "[profile proc]\n"
             "credential_process = %s --account\n"
             "\n"
             "[profile failing]\n"
             "credential_process = %s\n"
             "\n"
             "[profile missing-source]\n"
             "role_arn = arn:aws:iam::123456789012:role/r\n"
             "source_profile = nowhere\n"
             "\n"
             "[profile loop-a]\n"
             "role_arn = arn:aws:iam::123456789012:role/a\n"
             "source_profile = loop-b\n"
             "\n"
             "[profile loop-b]\n"
             "role_arn = arn:aws:iam::123456789012:role/b\n"
             "source_profile = loop-a\n"
             "\n"
             "[profile no-keys]\n"
             "region = us-east-1\n",
             proc_script, fail_script);
    write_file(creds_config_path, creds_config);
}

static void make_home(void) {
    char tmpl[] = "/tmp/credchain-c-test.XXXXXX";
    if (mkdtemp(tmpl) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(home, sizeof home, "%s", tmpl);
    snprintf(aws_dir, sizeof aws_dir, "%s/.aws", home);
    snprintf(config_path, sizeof config_path, "%s/config", aws_dir);
    snprintf(credentials_path, sizeof credentials_path, "%s/credentials", aws_dir);
    snprintf(broken_path, sizeof broken_path, "%s/broken-config", home);
    if (mkdir(aws_dir, 0700) != 0) {
        perror("mkdir");
        exit(2);
    }
    write_file(config_path, CONFIG);
    write_file(credentials_path, CREDENTIALS);
    write_file(broken_path, BROKEN);
    make_credential_files();
    /* Before any host config exists: never the real ~/.aws, and no instance metadata. */
    unset_aws_variables();
    if (setenv("HOME", home, 1) != 0 || setenv("AWS_EC2_METADATA_DISABLED", "true", 1) != 0) {
        perror("setenv");
        exit(2);
    }
}

static void remove_home(void) {
    unlink(config_path);
    unlink(credentials_path);
    unlink(broken_path);
    unlink(creds_config_path);
    unlink(proc_script);
    unlink(fail_script);
    rmdir(aws_dir);
    rmdir(home);
}

/*
 * Resolves `name` and checks the value and its source. want_path NULL means "" (no file);
 * want_name NULL means "".
 */
static void expect_resolved(const credchain_config *cfg, const char *name, const char *want,
                            credchain_source_kind kind, const char *want_name,
                            const char *want_path, uint32_t want_line, int line) {
    char value[256];
    size_t n = 0;
    credchain_source src;
    credchain_result r = credchain_config_resolve(cfg, name, value, sizeof value, &n, &src);
    check_at(r == CREDCHAIN_RESULT_OK, __FILE__, line, "resolve returns OK", "%s: %u %s (%s)",
             name, (unsigned)r, code_name(r), last_error(cfg));
    if (r != CREDCHAIN_RESULT_OK) {
        return;
    }
    check_at(strcmp(value, want) == 0 && n == strlen(want), __FILE__, line, "resolved value",
             "%s = \"%s\" (len %zu), want \"%s\"", name, value, n, want);
    check_at(src.kind == kind, __FILE__, line, "source kind", "%s: kind %u, want %u", name,
             (unsigned)src.kind, (unsigned)kind);
    check_at(src.name != NULL && strcmp(src.name, want_name ? want_name : "") == 0, __FILE__,
             line, "source name", "%s: name \"%s\", want \"%s\"", name,
             src.name ? src.name : "(NULL)", want_name ? want_name : "");
    const char *wp = want_path ? want_path : "";
    check_at(src.path != NULL && strcmp(src.path, wp) == 0 && src.path_len == strlen(wp),
             __FILE__, line, "source path", "%s: path \"%s\" (len %zu), want \"%s\"", name,
             src.path ? src.path : "(NULL)", src.path_len, wp);
    check_at(src.line == want_line, __FILE__, line, "source line", "%s: line %u, want %u", name,
             (unsigned)src.line, (unsigned)want_line);
}

#define EXPECT(cfg, name, want, kind, want_name, want_path, want_line) \
    expect_resolved(cfg, name, want, kind, want_name, want_path, want_line, __LINE__)

static void test_messages_and_version(void) {
    const char *v = credchain_version();
    CHECK(v != NULL && v[0] != '\0', "version \"%s\"", v ? v : "(NULL)");

    char buf[256];
    size_t n = 0;
    CHECK(credchain_result_message(CREDCHAIN_RESULT_OK, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_OK && strcmp(buf, "ok") == 0 && n == 2,
          "\"%s\"", buf);
    CHECK(credchain_result_message(CREDCHAIN_RESULT_PROFILE_NOT_FOUND, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_OK && strstr(buf, "profile not found") != NULL,
          "\"%s\"", buf);
    CHECK(credchain_result_message(12345, buf, sizeof buf, &n) == CREDCHAIN_RESULT_OK &&
              strstr(buf, "unknown result code 12345") != NULL,
          "\"%s\"", buf);
    /* Two-call pattern on a message. */
    size_t need = 0;
    CHECK(credchain_result_message(CREDCHAIN_RESULT_INVALID_REGION, NULL, 0, &need) ==
              CREDCHAIN_RESULT_BUFFER_TOO_SMALL && need > 1,
          "need %zu", need);
    char *msg = malloc(need);
    CHECK(msg != NULL && credchain_result_message(CREDCHAIN_RESULT_INVALID_REGION, msg, need,
                                                  &n) == CREDCHAIN_RESULT_OK &&
              n == need - 1 && strlen(msg) == n,
          "n %zu need %zu", n, need);
    free(msg);
    CHECK(credchain_result_message(CREDCHAIN_RESULT_OK, buf, sizeof buf, NULL) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "NULL out_len");
}

static void test_null_arguments(void) {
    char buf[64];
    size_t n = 0;
    credchain_source src;
    credchain_options opts = {0};

    /* Every free accepts NULL. */
    credchain_config_free(NULL);
    CHECK(1, "%s", "credchain_config_free(NULL) returned");

    CHECK(credchain_config_new_host(&opts, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(strstr(thread_error(), "out is NULL") != NULL, "\"%s\"", thread_error());
    CHECK(credchain_config_new_callbacks(NULL, NULL, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER,
          "%s", "");

    credchain_config *sentinel = (credchain_config *)&n;
    credchain_config *cfg = sentinel;
    CHECK(credchain_config_new_callbacks(NULL, &opts, &cfg) == CREDCHAIN_RESULT_NULL_PARAMETER &&
              cfg == sentinel,
          "%s", "NULL callbacks; *out untouched");
    CHECK(strstr(thread_error(), "callbacks is NULL") != NULL, "\"%s\"", thread_error());

    CHECK(credchain_config_resolve(NULL, "region", buf, sizeof buf, &n, &src) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_config_get(NULL, "region", buf, sizeof buf, &n, &src) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_config_profile_count(NULL, &n) == CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_config_profile_name(NULL, 0, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_config_last_error(NULL, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_thread_last_error(buf, sizeof buf, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER,
          "%s", "");
    CHECK(credchain_file_buffer_alloc(NULL, 10) == NULL, "%s", "");
}

static void test_host_defaults(void) {
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_host(NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK && cfg != NULL, "%u %s", (unsigned)r, thread_error());
    if (cfg == NULL) {
        return;
    }

    EXPECT(cfg, "region", "us-west-2", CREDCHAIN_SOURCE_KIND_CONFIG_FILE, NULL, config_path, 2);
    EXPECT(cfg, "output", "json", CREDCHAIN_SOURCE_KIND_CONFIG_FILE, NULL, config_path, 3);
    EXPECT(cfg, "max_attempts", "3", CREDCHAIN_SOURCE_KIND_DEFAULT, NULL, NULL, 0);
    EXPECT(cfg, "profile", "default", CREDCHAIN_SOURCE_KIND_DEFAULT, NULL, NULL, 0);

    char value[64];
    size_t n = 0;
    credchain_source src;
    src.kind = CREDCHAIN_SOURCE_KIND_DEFAULT;
    src.line = 4242;

    /* Unset: NOT_SET, outputs untouched, a message naming the places looked at. */
    r = credchain_config_resolve(cfg, "ca_bundle", value, sizeof value, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_NOT_SET && src.line == 4242, "%u", (unsigned)r);
    CHECK(strstr(last_error(cfg), "AWS_CA_BUNDLE") != NULL &&
              strstr(last_error(cfg), "ca_bundle key of profile default") != NULL,
          "\"%s\"", last_error(cfg));

    r = credchain_config_resolve(cfg, "no_such_setting", value, sizeof value, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_UNKNOWN_SETTING, "%u", (unsigned)r);
    CHECK(strstr(last_error(cfg), "no_such_setting") != NULL, "\"%s\"", last_error(cfg));

    /* NULL arguments on a live handle. */
    CHECK(credchain_config_resolve(cfg, NULL, value, sizeof value, &n, &src) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(strstr(last_error(cfg), "setting_name is NULL") != NULL, "\"%s\"", last_error(cfg));
    CHECK(credchain_config_resolve(cfg, "region", value, sizeof value, &n, NULL) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_config_resolve(cfg, "region", value, sizeof value, NULL, &src) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_config_resolve(cfg, "region", NULL, 5, &n, &src) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_config_profile_count(cfg, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");

    /* The two-call pattern: ask for the size, then allocate exactly that. */
    size_t need = 0;
    r = credchain_config_resolve(cfg, "region", NULL, 0, &need, &src);
    CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && need == strlen("us-west-2") + 1,
          "%u need %zu", (unsigned)r, need);
    CHECK(src.line == 4242, "%s", "source untouched on BUFFER_TOO_SMALL");
    char small[9];
    memset(small, 'X', sizeof small);
    r = credchain_config_resolve(cfg, "region", small, sizeof small, &need, &src);
    CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && need == 10 && small[0] == 'X' &&
              small[8] == 'X' && src.line == 4242,
          "%u need %zu", (unsigned)r, need);
    CHECK(strstr(last_error(cfg), "needs 10 bytes") != NULL, "\"%s\"", last_error(cfg));
    char *exact = malloc(need);
    r = credchain_config_resolve(cfg, "region", exact, need, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_OK && n == need - 1 && strcmp(exact, "us-west-2") == 0 &&
              src.line == 2,
          "%u n %zu", (unsigned)r, n);
    free(exact);

    /* Two-call pattern on the last error itself. */
    credchain_config_resolve(cfg, "ca_bundle", value, sizeof value, &n, &src);
    r = credchain_config_last_error(cfg, NULL, 0, &need);
    CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && need > 10, "%u need %zu", (unsigned)r, need);
    char *err = malloc(need);
    r = credchain_config_last_error(cfg, err, need, &n);
    CHECK(r == CREDCHAIN_RESULT_OK && n == need - 1 && strstr(err, "ca_bundle") != NULL,
          "%u", (unsigned)r);
    free(err);

    /* Profiles: config-file ones, then the credentials-only one. */
    size_t count = 0;
    CHECK(credchain_config_profile_count(cfg, &count) == CREDCHAIN_RESULT_OK && count == 3,
          "count %zu", count);
    const char *want[] = {"default", "dev", "creds-only"};
    for (size_t i = 0; i < 3 && i < count; i++) {
        char name[64];
        r = credchain_config_profile_name(cfg, i, name, sizeof name, &n);
        CHECK(r == CREDCHAIN_RESULT_OK && strcmp(name, want[i]) == 0 && n == strlen(want[i]),
              "profile %zu: \"%s\", want \"%s\"", i, name, want[i]);
    }
    r = credchain_config_profile_name(cfg, 2, NULL, 0, &need);
    CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && need == strlen("creds-only") + 1,
          "need %zu", need);
    r = credchain_config_profile_name(cfg, 3, value, sizeof value, &n);
    CHECK(r == CREDCHAIN_RESULT_INDEX_OUT_OF_RANGE, "%u", (unsigned)r);
    CHECK(strstr(last_error(cfg), "there are 3") != NULL, "\"%s\"", last_error(cfg));

    /* configure get: sub-properties and credentials-file keys, files only. */
    r = credchain_config_get(cfg, "s3.max_concurrent_requests", value, sizeof value, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_OK && strcmp(value, "20") == 0 &&
              src.kind == CREDCHAIN_SOURCE_KIND_CONFIG_FILE && src.line == 4 &&
              strcmp(src.path, config_path) == 0,
          "%u \"%s\" line %u", (unsigned)r, value, (unsigned)src.line);
    r = credchain_config_get(cfg, "aws_access_key_id", value, sizeof value, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_OK && strcmp(value, "AKIDEXAMPLE") == 0 &&
              src.kind == CREDCHAIN_SOURCE_KIND_CREDENTIALS_FILE && src.line == 2 &&
              strcmp(src.path, credentials_path) == 0,
          "%u \"%s\" line %u", (unsigned)r, value, (unsigned)src.line);
    r = credchain_config_get(cfg, "profile.dev.region", value, sizeof value, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_OK && strcmp(value, "eu-west-1") == 0 && src.line == 8,
          "%u \"%s\"", (unsigned)r, value);
    r = credchain_config_get(cfg, "max_attempts", value, sizeof value, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_NOT_SET, "%u (configure get never gives a default)", (unsigned)r);

    /* A source's path stays valid until the handle is freed: read it after other calls. */
    credchain_source kept;
    r = credchain_config_resolve(cfg, "output", value, sizeof value, &n, &kept);
    credchain_config_resolve(cfg, "max_attempts", value, sizeof value, &n, &src);
    CHECK(r == CREDCHAIN_RESULT_OK && strcmp(kept.path, config_path) == 0, "%s", kept.path);

    credchain_config_free(cfg);
}

static void test_host_options(void) {
    credchain_options opts = {0};
    opts.profile = "dev";
    opts.region = "ap-south-1";
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_host(&opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (r != CREDCHAIN_RESULT_OK) {
        return;
    }
    EXPECT(cfg, "region", "ap-south-1", CREDCHAIN_SOURCE_KIND_OPTION, "--region", NULL, 0);
    EXPECT(cfg, "profile", "dev", CREDCHAIN_SOURCE_KIND_OPTION, "--profile", NULL, 0);
    EXPECT(cfg, "output", "text", CREDCHAIN_SOURCE_KIND_CREDENTIALS_FILE, NULL, credentials_path,
           6);
    credchain_config_free(cfg);

    /* Without the region option, dev's own region. */
    opts.region = NULL;
    cfg = NULL;
    CHECK(credchain_config_new_host(&opts, &cfg) == CREDCHAIN_RESULT_OK, "%s", thread_error());
    if (cfg != NULL) {
        EXPECT(cfg, "region", "eu-west-1", CREDCHAIN_SOURCE_KIND_CONFIG_FILE, NULL, config_path,
               8);
        credchain_config_free(cfg);
    }

    /* An invalid region is an error, not a value. */
    opts.region = "us east";
    cfg = NULL;
    CHECK(credchain_config_new_host(&opts, &cfg) == CREDCHAIN_RESULT_OK, "%s", thread_error());
    if (cfg != NULL) {
        char value[64];
        size_t n = 0;
        credchain_source src;
        r = credchain_config_resolve(cfg, "region", value, sizeof value, &n, &src);
        CHECK(r == CREDCHAIN_RESULT_INVALID_REGION, "%u", (unsigned)r);
        CHECK(strstr(last_error(cfg), "us east") != NULL &&
                  strstr(last_error(cfg), "--region") != NULL,
              "\"%s\"", last_error(cfg));
        credchain_config_free(cfg);
    }

    /* Bad options. */
    credchain_config *sentinel = (credchain_config *)&opts;
    cfg = sentinel;
    opts.region = NULL;
    opts.dialect = 7;
    r = credchain_config_new_host(&opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_INVALID_DIALECT && cfg == sentinel, "%u", (unsigned)r);
    CHECK(strstr(thread_error(), "CREDCHAIN_DIALECT_AWSCLI") != NULL, "\"%s\"", thread_error());
    opts.dialect = CREDCHAIN_DIALECT_AWSCLI;
    opts.profile = "\xff\xfe";
    r = credchain_config_new_host(&opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_INVALID_UTF8 && cfg == sentinel, "%u", (unsigned)r);
    CHECK(strstr(thread_error(), "options->profile") != NULL, "\"%s\"", thread_error());
}

static void test_host_environment(void) {
    setenv("AWS_REGION", "eu-central-1", 1);
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_host(NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    /* The environment was captured when the handle was made. */
    setenv("AWS_REGION", "changed-later", 1);
    if (cfg != NULL) {
        EXPECT(cfg, "region", "eu-central-1", CREDCHAIN_SOURCE_KIND_ENV_VAR, "AWS_REGION", NULL,
               0);
        credchain_config_free(cfg);
    }
    unsetenv("AWS_REGION");

    /* A profile that does not exist: the handle is made, resolving fails. */
    setenv("AWS_PROFILE", "nope", 1);
    cfg = NULL;
    r = credchain_config_new_host(NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg != NULL) {
        char value[64];
        size_t n = 0;
        credchain_source src;
        r = credchain_config_resolve(cfg, "region", value, sizeof value, &n, &src);
        CHECK(r == CREDCHAIN_RESULT_PROFILE_NOT_FOUND, "%u %s", (unsigned)r, code_name(r));
        const char *e = last_error(cfg);
        CHECK(strstr(e, "(nope) could not be found") != NULL && strstr(e, "AWS_PROFILE") &&
                  strstr(e, "default, dev, creds-only") != NULL,
              "\"%s\"", e);
        CHECK(strstr(code_name(r), "profile not found") != NULL, "\"%s\"", code_name(r));
        /* Listing profiles does not need the active one. */
        size_t count = 0;
        CHECK(credchain_config_profile_count(cfg, &count) == CREDCHAIN_RESULT_OK && count == 3,
              "count %zu", count);
        credchain_config_free(cfg);
    }
    unsetenv("AWS_PROFILE");
}

static void test_host_parse_errors(void) {
    setenv("AWS_CONFIG_FILE", broken_path, 1);
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_host(NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_PARSE_DUPLICATE_SECTION && cfg == NULL, "%u %s", (unsigned)r,
          code_name(r));
    char where[400];
    snprintf(where, sizeof where, "%s:4:", broken_path);
    CHECK(strstr(thread_error(), where) != NULL && strstr(thread_error(), "line 1") != NULL,
          "\"%s\"", thread_error());

    /* The SDKs' dialect merges the repeated section. */
    credchain_options opts = {0};
    opts.dialect = CREDCHAIN_DIALECT_SDK;
    r = credchain_config_new_host(&opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg != NULL) {
        EXPECT(cfg, "region", "us-west-2", CREDCHAIN_SOURCE_KIND_CONFIG_FILE, NULL, broken_path,
               2);
        EXPECT(cfg, "output", "text", CREDCHAIN_SOURCE_KIND_CONFIG_FILE, NULL, broken_path, 5);
        credchain_config_free(cfg);
    }
    unsetenv("AWS_CONFIG_FILE");

    /* A directory, or /dev/null, where a file should be: no file, as the AWS CLI reads it
       (botocore checks os.path.isfile). */
    const char *not_files[] = {aws_dir, "/dev/null"};
    for (size_t i = 0; i < sizeof not_files / sizeof not_files[0]; i++) {
        setenv("AWS_SHARED_CREDENTIALS_FILE", not_files[i], 1);
        cfg = NULL;
        r = credchain_config_new_host(NULL, &cfg);
        CHECK(r == CREDCHAIN_RESULT_OK && cfg != NULL, "%s: %u %s", not_files[i], (unsigned)r,
              thread_error());
        credchain_config_free(cfg);
    }
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
}

/* ---- The callbacks host: an in-memory environment and file system. ---- */

struct memory_host {
    const char *const *env;   /* name, value, name, value, ..., NULL */
    const char *const *files; /* path, contents (NULL: permission denied), ..., NULL */
    int read_status_override; /* -1: none */
    int env_calls;
    int file_calls;
    int closed; /* set after credchain_config_new_callbacks returns: no call may come then */
};

/* Counts a call of `callback` (on `arg`) in `calls`, and a failure when it comes after
 * credchain_config_new_callbacks returned. */
static void memory_host_called(const struct memory_host *host, int *calls, const char *callback,
                               const char *arg) {
    (*calls)++;
    if (host->closed) {
        fprintf(stderr, "FAIL: %s(%s) called after new_callbacks returned\n", callback, arg);
        failed++;
    }
}

static bool memory_get_env(void *userdata, const char *name, const char **value_out,
                           size_t *value_len_out) {
    struct memory_host *host = userdata;
    memory_host_called(host, &host->env_calls, "get_env", name);
    for (const char *const *e = host->env; *e != NULL; e += 2) {
        if (strcmp(e[0], name) == 0) {
            *value_out = e[1];
            *value_len_out = strlen(e[1]);
            return true;
        }
    }
    return false;
}

static credchain_read_status memory_read_file(void *userdata, const char *path,
                                              credchain_file_buffer *file) {
    struct memory_host *host = userdata;
    memory_host_called(host, &host->file_calls, "read_file", path);
    if (host->read_status_override >= 0) {
        return host->read_status_override;
    }
    for (const char *const *f = host->files; *f != NULL; f += 2) {
        if (strcmp(f[0], path) == 0) {
            if (f[1] == NULL) {
                return CREDCHAIN_READ_PERMISSION_DENIED;
            }
            size_t len = strlen(f[1]);
            uint8_t *buf = credchain_file_buffer_alloc(file, len);
            if (buf == NULL) {
                return CREDCHAIN_READ_ERROR;
            }
            memcpy(buf, f[1], len);
            return CREDCHAIN_READ_OK;
        }
    }
    return CREDCHAIN_READ_NOT_FOUND;
}

static credchain_callbacks memory_callbacks(struct memory_host *host) {
    credchain_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.struct_size = sizeof cb;
    cb.userdata = host;
    cb.get_env = memory_get_env;
    cb.read_file = memory_read_file;
    return cb;
}

/* The environment of most callback tests: HOME at /mem, the instance metadata service off. */
static const char *const MEM_HOME_ENV[] = {
    "HOME", "/mem", "AWS_EC2_METADATA_DISABLED", "true", NULL,
};

/* Zeroes the host struct `host` (of `size` bytes, a memory_host first) and points its
 * memory_host at `env` and `files`, with no read status override. */
static void memory_host_reset(void *host, size_t size, const char *const *env,
                              const char *const *files) {
    memset(host, 0, size);
    struct memory_host *mem = host;
    mem->env = env;
    mem->files = files;
    mem->read_status_override = -1;
}
#define MEMORY_HOST_RESET(host, env, files) memory_host_reset(&(host), sizeof(host), env, files)

/* Creates a handle over `host` (with `opts`, NULL for none) in `*cfg`, then closes the host:
 * a callback that comes after credchain_config_new_callbacks returned fails the test. */
static credchain_result memory_config_new(struct memory_host *host, const credchain_options *opts,
                                          credchain_config **cfg) {
    credchain_callbacks cb = memory_callbacks(host);
    credchain_result r = credchain_config_new_callbacks(&cb, opts, cfg);
    host->closed = 1;
    return r;
}

static void test_callbacks(void) {
    static const char *const env[] = {
        "HOME", "/mem",
        "AWS_PROFILE", "dev",
        "AWS_DEFAULT_OUTPUT", "table",
        NULL,
    };
    static const char *const files[] = {
        "/mem/.aws/config",
        "[default]\nregion = us-east-2\n\n[profile dev]\n# comment\nregion = sa-east-1\n",
        NULL,
    };
    struct memory_host host = {env, files, -1, 0, 0, 0};
    credchain_config *cfg = NULL;
    credchain_result r = memory_config_new(&host, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK && cfg != NULL, "%u %s", (unsigned)r, thread_error());
    CHECK(host.env_calls > 0 && host.file_calls == 2, "env %d files %d", host.env_calls,
          host.file_calls);
    if (cfg == NULL) {
        return;
    }
    EXPECT(cfg, "region", "sa-east-1", CREDCHAIN_SOURCE_KIND_CONFIG_FILE, NULL,
           "/mem/.aws/config", 6);
    EXPECT(cfg, "profile", "dev", CREDCHAIN_SOURCE_KIND_ENV_VAR, "AWS_PROFILE", NULL, 0);
    EXPECT(cfg, "output", "table", CREDCHAIN_SOURCE_KIND_ENV_VAR, "AWS_DEFAULT_OUTPUT", NULL, 0);
    EXPECT(cfg, "retry_mode", "standard", CREDCHAIN_SOURCE_KIND_DEFAULT, NULL, NULL, 0);
    size_t count = 0;
    char name[32];
    size_t n = 0;
    CHECK(credchain_config_profile_count(cfg, &count) == CREDCHAIN_RESULT_OK && count == 2,
          "count %zu", count);
    CHECK(credchain_config_profile_name(cfg, 1, name, sizeof name, &n) == CREDCHAIN_RESULT_OK &&
              strcmp(name, "dev") == 0,
          "\"%s\"", name);
    credchain_config_free(cfg);

    /* AWS_CONFIG_FILE from the callback environment, and the SDK dialect. */
    static const char *const env2[] = {
        "HOME", "/mem",
        "AWS_CONFIG_FILE", "/etc/aws-config",
        "AWS_DEFAULT_REGION", "",
        NULL,
    };
    static const char *const files2[] = {
        "/etc/aws-config", "[default]\nregion = ca-central-1\n",
        "/mem/.aws/credentials", "[default]\nregion = me-south-1\n",
        NULL,
    };
    struct memory_host host2 = {env2, files2, -1, 0, 0, 0};
    credchain_options opts = {0};
    opts.dialect = CREDCHAIN_DIALECT_SDK;
    cfg = NULL;
    r = memory_config_new(&host2, &opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg != NULL) {
        /* The credentials file wins over the config file; an empty variable counts as unset. */
        EXPECT(cfg, "region", "me-south-1", CREDCHAIN_SOURCE_KIND_CREDENTIALS_FILE, NULL,
               "/mem/.aws/credentials", 2);
        credchain_config_free(cfg);
    }

    /* Failures reported by the callbacks. */
    static const char *const denied[] = {"/mem/.aws/config", NULL, NULL};
    struct memory_host host3 = {env, denied, -1, 0, 0, 0};
    credchain_config *sentinel = (credchain_config *)&host3;
    cfg = sentinel;
    r = memory_config_new(&host3, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_FILE_PERMISSION_DENIED && cfg == sentinel, "%u %s", (unsigned)r,
          thread_error());
    CHECK(strstr(thread_error(), "/mem/.aws/config") != NULL &&
              strstr(thread_error(), "permission denied") != NULL,
          "\"%s\"", thread_error());

    struct memory_host host4 = {env, files, 42, 0, 0, 0};
    r = memory_config_new(&host4, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_INVALID_CALLBACK_RESULT && cfg == sentinel, "%u", (unsigned)r);
    CHECK(strstr(thread_error(), "42") != NULL, "\"%s\"", thread_error());

    static const char *const no_home[] = {"AWS_REGION", "us-east-1", NULL};
    struct memory_host host5 = {no_home, files, -1, 0, 0, 0};
    /* No home directory: no file is read (as in the AWS CLI), the environment still answers. */
    cfg = NULL;
    r = memory_config_new(&host5, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK && cfg != NULL, "%u %s", (unsigned)r, thread_error());
    {
        char value[64];
        size_t value_len = 0;
        credchain_source src;
        r = credchain_config_resolve(cfg, "region", value, sizeof value, &value_len, &src);
        CHECK(r == CREDCHAIN_RESULT_OK && strcmp(value, "us-east-1") == 0 &&
                  src.kind == CREDCHAIN_SOURCE_KIND_ENV_VAR,
              "%u %s", (unsigned)r, value);
    }
    credchain_config_free(cfg);
    cfg = sentinel;

    /* A parse error through the callbacks names the in-memory path and line. */
    static const char *const bad[] = {"/mem/.aws/config", "[default]\nregion\n", NULL};
    struct memory_host host6 = {env, bad, -1, 0, 0, 0};
    r = memory_config_new(&host6, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_PARSE_NOT_A_PROPERTY && cfg == sentinel, "%u %s", (unsigned)r,
          code_name(r));
    CHECK(strstr(thread_error(), "/mem/.aws/config:2:") != NULL, "\"%s\"", thread_error());

    /* A missing callback. */
    credchain_callbacks cb = memory_callbacks(&host);
    cb.read_file = NULL;
    r = credchain_config_new_callbacks(&cb, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_NULL_PARAMETER && cfg == sentinel, "%u", (unsigned)r);
    CHECK(strstr(thread_error(), "callbacks->read_file is NULL") != NULL, "\"%s\"",
          thread_error());
}

/* ---- Credentials ---- */

/* Every secret the tests use: none may appear in any message. */
static const char *const SECRETS[] = {
    "not-a-real-secret", "envsecret",  "envtoken",         "procsecret",    "proctoken",
    "basesecret",        "rolesecret", "roletoken",        "containerauth", "containersecret",
    "containertoken",    "imdssecret", "imdssessiontoken", "imdstoken",     "ssobearertoken",
    "ssosecret",         "ssotoken",   "loginsecret",      "logintoken",    "loginrefresh",
    NULL,
};

static void check_no_secret_at(const char *message, int line) {
    for (const char *const *s = SECRETS; *s != NULL; s++) {
        check_at(strstr(message, *s) == NULL, __FILE__, line, "no secret in the message",
                 "\"%s\" holds %s", message, *s);
    }
}
#define CHECK_NO_SECRET(message) check_no_secret_at(message, __LINE__)

typedef credchain_result (*string_accessor)(const credchain_credentials *, char *, size_t,
                                            size_t *);

/* Checks one string of `creds` (want NULL: CREDCHAIN_RESULT_NOT_SET, outputs untouched). */
static void expect_string_at(const credchain_credentials *creds, string_accessor get,
                             const char *what, const char *want, int line) {
    char buf[256];
    size_t n = 4242;
    memset(buf, 'X', sizeof buf);
    credchain_result r = get(creds, buf, sizeof buf, &n);
    if (want == NULL) {
        check_at(r == CREDCHAIN_RESULT_NOT_SET && n == 4242 && buf[0] == 'X', __FILE__, line,
                 "not set", "%s: %u %s", what, (unsigned)r, code_name(r));
        return;
    }
    check_at(r == CREDCHAIN_RESULT_OK && strcmp(buf, want) == 0 && n == strlen(want), __FILE__,
             line, "credential value", "%s: %u \"%.*s\", want \"%s\"", what, (unsigned)r,
             r == CREDCHAIN_RESULT_OK ? (int)n : 0, buf, want);
    explicit_bzero(buf, sizeof buf);
}
#define EXPECT_STRING(creds, get, want) expect_string_at(creds, get, #get, want, __LINE__)

/* Checks the provider, its AWS CLI name, and the expiration (0: none). */
static void expect_meta_at(const credchain_credentials *creds, credchain_provider want,
                           const char *want_name, int64_t want_expiration, int line) {
    credchain_provider p = CREDCHAIN_PROVIDER_IAM_ROLE;
    credchain_result r = credchain_credentials_provider(creds, &p);
    const char *name = credchain_provider_name(p);
    check_at(r == CREDCHAIN_RESULT_OK && p == want && name != NULL &&
                 strcmp(name, want_name) == 0,
             __FILE__, line, "provider", "%u: %u \"%s\", want %u \"%s\"", (unsigned)r,
             (unsigned)p, name ? name : "(NULL)", (unsigned)want, want_name);
    int64_t t = -1;
    r = credchain_credentials_expiration(creds, &t);
    if (want_expiration == 0) {
        check_at(r == CREDCHAIN_RESULT_NOT_SET && t == -1, __FILE__, line, "no expiration",
                 "%u %lld", (unsigned)r, (long long)t);
    } else {
        check_at(r == CREDCHAIN_RESULT_OK && t == want_expiration, __FILE__, line, "expiration",
                 "%u %lld, want %lld", (unsigned)r, (long long)t, (long long)want_expiration);
    }
}
#define EXPECT_META(creds, want, name, exp) expect_meta_at(creds, want, name, exp, __LINE__)

/* Checks the four strings of `creds` (NULL: not set) with expect_string_at, then its provider
 * and expiration with expect_meta_at. */
static void expect_credentials_at(const credchain_credentials *creds, const char *access_key_id,
                                  const char *secret_access_key, const char *session_token,
                                  const char *account_id, credchain_provider provider,
                                  const char *provider_name, int64_t expiration, int line) {
    expect_string_at(creds, credchain_credentials_access_key_id,
                     "credchain_credentials_access_key_id", access_key_id, line);
    expect_string_at(creds, credchain_credentials_secret_access_key,
                     "credchain_credentials_secret_access_key", secret_access_key, line);
    expect_string_at(creds, credchain_credentials_session_token,
                     "credchain_credentials_session_token", session_token, line);
    expect_string_at(creds, credchain_credentials_account_id, "credchain_credentials_account_id",
                     account_id, line);
    expect_meta_at(creds, provider, provider_name, expiration, line);
}
/* EXPECT_CREDENTIALS(creds, access_key_id, secret, token, account_id, provider, name, expiry) */
#define EXPECT_CREDENTIALS(creds, ...) expect_credentials_at(creds, __VA_ARGS__, __LINE__)

/* 2099-01-02T03:04:05Z and 2099-01-01T00:00:00Z in Unix seconds. */
#define T_2099_01_02 INT64_C(4071006245)
#define T_2099_01_01 INT64_C(4070908800)

/* A host handle for `profile` (NULL: none), resolving credentials; NULL on failure. */
static credchain_config *host_config(const char *profile) {
    credchain_options opts = {0};
    opts.profile = profile;
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_host(&opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%s: %u %s", profile ? profile : "(none)", (unsigned)r,
          thread_error());
    return cfg;
}

/* Resolves credentials of a fresh host handle for `profile`, expecting `want`; on failure the
 * handle's last error goes to `error` (which must hold 2048 bytes). */
static credchain_credentials *host_credentials(const char *profile, credchain_result want,
                                               char *error) {
    credchain_config *cfg = host_config(profile);
    if (cfg == NULL) {
        return NULL;
    }
    credchain_credentials *sentinel = (credchain_credentials *)&cfg;
    credchain_credentials *creds = sentinel;
    credchain_result r = credchain_config_resolve_credentials(cfg, &creds);
    if (error != NULL) {
        snprintf(error, 2048, "%s", last_error(cfg));
    }
    CHECK(r == want, "%s: %u %s, want %u (%s)", profile ? profile : "(none)", (unsigned)r,
          code_name(r), (unsigned)want, last_error(cfg));
    if (r != CREDCHAIN_RESULT_OK) {
        CHECK(creds == sentinel, "%s", "*out untouched on failure");
        CHECK_NO_SECRET(last_error(cfg));
        creds = NULL;
    }
    credchain_config_free(cfg);
    return creds;
}

static void test_credentials_null_arguments(void) {
    credchain_credentials_free(NULL);
    CHECK(1, "%s", "credchain_credentials_free(NULL) returned");
    credchain_credentials *creds = NULL;
    CHECK(credchain_config_resolve_credentials(NULL, &creds) == CREDCHAIN_RESULT_NULL_PARAMETER &&
              creds == NULL,
          "%s", "NULL handle");
    credchain_config *cfg = host_config(NULL);
    if (cfg != NULL) {
        CHECK(credchain_config_resolve_credentials(cfg, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER,
              "%s", "NULL out");
        CHECK(strstr(last_error(cfg), "out is NULL") != NULL, "\"%s\"", last_error(cfg));
        CHECK(credchain_config_set_prompt(NULL, NULL, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER,
              "%s", "");
        credchain_config_free(cfg);
    }
    char buf[16];
    size_t n = 0;
    int64_t t = 0;
    credchain_provider p;
    CHECK(credchain_credentials_access_key_id(NULL, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_credentials_secret_access_key(NULL, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_credentials_session_token(NULL, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_credentials_account_id(NULL, buf, sizeof buf, &n) ==
              CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_credentials_expiration(NULL, &t) == CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_credentials_provider(NULL, &p) == CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    CHECK(credchain_provider_name(CREDCHAIN_PROVIDER_CUSTOM_PROCESS) != NULL &&
              strcmp(credchain_provider_name(CREDCHAIN_PROVIDER_CUSTOM_PROCESS),
                     "custom-process") == 0,
          "%s", "");
    CHECK(credchain_provider_name(0) == NULL && credchain_provider_name(99) == NULL, "%s", "");
    CHECK(credchain_buffer_alloc(NULL, 1) == NULL, "%s", "");
    /* Every 5xx code has a message. */
    const credchain_result codes[] = {
        CREDCHAIN_RESULT_CREDENTIALS_NOT_FOUND, CREDCHAIN_RESULT_SOURCE_PROFILE_NOT_FOUND,
        CREDCHAIN_RESULT_PROCESS_FAILED,        CREDCHAIN_RESULT_CREDENTIALS_EXPIRED,
        CREDCHAIN_RESULT_SERVICE_ERROR,         CREDCHAIN_RESULT_UNSUPPORTED_PROVIDER,
        CREDCHAIN_RESULT_MFA_CODE_UNAVAILABLE,
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(strncmp(code_name(codes[i]), "(no", 3) != 0 && strchr(code_name(codes[i]), ':'),
              "%u: \"%s\"", (unsigned)codes[i], code_name(codes[i]));
    }
}

static void test_credentials_static_profile(void) {
    setenv("AWS_CONFIG_FILE", creds_config_path, 1);
    credchain_credentials *creds = host_credentials(NULL, CREDCHAIN_RESULT_OK, NULL);
    if (creds != NULL) {
        EXPECT_CREDENTIALS(creds, "AKIDEXAMPLE", "not-a-real-secret", NULL, NULL,
                           CREDCHAIN_PROVIDER_SHARED_CREDENTIALS_FILE, "shared-credentials-file",
                           0);
        /* Buffer too small: nothing written, the size needed reported. */
        char small[4];
        size_t need = 0;
        memset(small, 'X', sizeof small);
        CHECK(credchain_credentials_secret_access_key(creds, small, sizeof small, &need) ==
                      CREDCHAIN_RESULT_BUFFER_TOO_SMALL &&
                  need == strlen("not-a-real-secret") + 1 && small[0] == 'X',
              "need %zu", need);
        credchain_credentials_free(creds);
    }
    /* The handle's credentials outlive the handle that made them. */
    credchain_config *cfg = host_config(NULL);
    creds = NULL;
    if (cfg != NULL) {
        CHECK(credchain_config_resolve_credentials(cfg, &creds) == CREDCHAIN_RESULT_OK, "%s",
              last_error(cfg));
        credchain_config_free(cfg);
        EXPECT_STRING(creds, credchain_credentials_access_key_id, "AKIDEXAMPLE");
        credchain_credentials_free(creds);
    }
    unsetenv("AWS_CONFIG_FILE");
}

static void test_credentials_environment(void) {
    /* A session token longer than any guess a caller might make. */
    static char token[1501];
    memset(token, 'T', sizeof token - 1);
    memcpy(token, "envtoken", 8);
    token[sizeof token - 1] = '\0';
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_SESSION_TOKEN", token, 1);
    setenv("AWS_CREDENTIAL_EXPIRATION", "2099-01-02T03:04:05Z", 1);
    setenv("AWS_ACCOUNT_ID", "111122223333", 1);

    credchain_credentials *creds = host_credentials(NULL, CREDCHAIN_RESULT_OK, NULL);
    if (creds != NULL) {
        EXPECT_STRING(creds, credchain_credentials_access_key_id, "AKIDENV");
        EXPECT_STRING(creds, credchain_credentials_secret_access_key, "envsecret");
        EXPECT_STRING(creds, credchain_credentials_account_id, "111122223333");
        EXPECT_META(creds, CREDCHAIN_PROVIDER_ENV, "env", T_2099_01_02);

        /* The session token through the two-call pattern. */
        size_t need = 0, n = 0;
        credchain_result r = credchain_credentials_session_token(creds, NULL, 0, &need);
        CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && need == sizeof token, "%u need %zu",
              (unsigned)r, need);
        char guess[256];
        memset(guess, 'X', sizeof guess);
        r = credchain_credentials_session_token(creds, guess, sizeof guess, &need);
        CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && need == sizeof token &&
                  guess[0] == 'X' && guess[sizeof guess - 1] == 'X',
              "%u need %zu", (unsigned)r, need);
        CHECK(credchain_credentials_session_token(creds, NULL, 5, &need) ==
                  CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "NULL buffer with a length");
        CHECK(credchain_credentials_session_token(creds, guess, sizeof guess, NULL) ==
                  CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "NULL length output");
        char *exact = malloc(need);
        r = credchain_credentials_session_token(creds, exact, need, &n);
        CHECK(exact != NULL && r == CREDCHAIN_RESULT_OK && n == need - 1 &&
                  strcmp(exact, token) == 0,
              "%u n %zu", (unsigned)r, n);
        if (exact != NULL) {
            explicit_bzero(exact, need);
        }
        free(exact);
        credchain_credentials_free(creds);
    }

    /* --profile turns the environment provider off, as in the AWS CLI. */
    creds = host_credentials("default", CREDCHAIN_RESULT_OK, NULL);
    if (creds != NULL) {
        EXPECT_STRING(creds, credchain_credentials_access_key_id, "AKIDEXAMPLE");
        EXPECT_META(creds, CREDCHAIN_PROVIDER_SHARED_CREDENTIALS_FILE, "shared-credentials-file",
                    0);
        credchain_credentials_free(creds);
    }

    /* Expired when they arrive: refused, and the message names no secret. */
    char error[2048];
    setenv("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z", 1);
    creds = host_credentials(NULL, CREDCHAIN_RESULT_CREDENTIALS_EXPIRED, error);
    CHECK(creds == NULL && strstr(error, "2001-01-01T00:00:00") != NULL, "\"%s\"", error);
    credchain_credentials_free(creds);

    /* A key without its secret. */
    unsetenv("AWS_CREDENTIAL_EXPIRATION");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    creds = host_credentials(NULL, CREDCHAIN_RESULT_PARTIAL_CREDENTIALS, error);
    CHECK(strstr(error, "AWS_SECRET_ACCESS_KEY") != NULL, "\"%s\"", error);
    credchain_credentials_free(creds);

    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_ACCOUNT_ID");
}

static void test_credentials_process(void) {
    setenv("AWS_CONFIG_FILE", creds_config_path, 1);
    credchain_credentials *creds = host_credentials("proc", CREDCHAIN_RESULT_OK, NULL);
    if (creds != NULL) {
        EXPECT_CREDENTIALS(creds, "AKIDPROC", "procsecret", "proctoken", "123456789012",
                           CREDCHAIN_PROVIDER_CUSTOM_PROCESS, "custom-process", T_2099_01_02);
        credchain_credentials_free(creds);
    }

    char error[2048];
    creds = host_credentials("failing", CREDCHAIN_RESULT_PROCESS_FAILED, error);
    CHECK(strstr(error, "exited with status 3") != NULL &&
              strstr(error, "token service down: try again later") != NULL &&
              strstr(error, "profile failing") != NULL,
          "\"%s\"", error);
    CHECK(strstr(code_name(CREDCHAIN_RESULT_PROCESS_FAILED), "credential_process") != NULL, "%s",
          code_name(CREDCHAIN_RESULT_PROCESS_FAILED));
    credchain_credentials_free(creds);
    /* credential_process runs while the AWS CLI builds the chain: its ConfigurationError. */
    {
        credchain_config *cfg = host_config("failing");
        credchain_credentials *none = NULL;
        CHECK(credchain_config_last_exit_status(cfg) == 0, "%u",
              (unsigned)credchain_config_last_exit_status(cfg));
        CHECK(credchain_config_resolve_credentials(cfg, &none) == CREDCHAIN_RESULT_PROCESS_FAILED,
              "%s", last_error(cfg));
        CHECK(credchain_config_last_exit_status(cfg) == 253, "%u",
              (unsigned)credchain_config_last_exit_status(cfg));
        credchain_config_free(cfg);
        CHECK(credchain_config_last_exit_status(NULL) == 0, "%s", "NULL handle");
    }
    unsetenv("AWS_CONFIG_FILE");
}

static void test_credentials_failures(void) {
    setenv("AWS_CONFIG_FILE", creds_config_path, 1);
    char error[2048];

    /* No provider configured: every provider tried, with its reason. */
    credchain_credentials *creds =
        host_credentials("no-keys", CREDCHAIN_RESULT_CREDENTIALS_NOT_FOUND, error);
    CHECK(strstr(error, "unable to locate credentials") != NULL &&
              strstr(error, "no-keys") != NULL && strstr(error, "env: skipped because --profile") &&
              strstr(error, "assume-role: the profile has no role_arn") != NULL &&
              strstr(error, "custom-process: the profile has no credential_process") != NULL &&
              strstr(error, "iam-role: AWS_EC2_METADATA_DISABLED is true") != NULL,
          "\"%s\"", error);
    credchain_credentials_free(creds);

    creds = host_credentials("missing-source", CREDCHAIN_RESULT_SOURCE_PROFILE_NOT_FOUND, error);
    CHECK(strstr(error, "nowhere") != NULL, "\"%s\"", error);
    creds = host_credentials("loop-a", CREDCHAIN_RESULT_SOURCE_PROFILE_CYCLE, error);
    CHECK(strstr(error, "loop") != NULL, "\"%s\"", error);
    creds = host_credentials("creds-only", CREDCHAIN_RESULT_PARTIAL_CREDENTIALS, error);
    CHECK(strstr(error, "creds-only") != NULL, "\"%s\"", error);
    creds = host_credentials("nope", CREDCHAIN_RESULT_PROFILE_NOT_FOUND, error);
    CHECK(creds == NULL, "%s", "");
    unsetenv("AWS_CONFIG_FILE");
}

/* ---- Credentials through the callbacks: processes, STS over the http callback, MFA. ---- */

/* A role assumed with the keys of profile base (the config, then the credentials file). */
#define ROLE_OVER_BASE \
    "[profile role]\n" \
    "role_arn = arn:aws:iam::123456789012:role/reader\n" \
    "source_profile = base\n" \
    "region = us-west-2\n"
#define BASE_CREDENTIALS \
    "[base]\n" \
    "aws_access_key_id = AKIDBASE\n" \
    "aws_secret_access_key = basesecret\n"

struct cred_host {
    struct memory_host mem; /* first: memory_get_env and memory_read_file take a cred_host */
    int sts_error;          /* answer AccessDenied */
    int process_calls;
    int http_calls;
    int prompt_calls;
    char url[256];
    char body[2048];
    int signed_by_base; /* the Authorization header names AKIDBASE */
    int write_calls;
    char written_path[256];
    char written[2048];
};

static const char STS_OK[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleResult>\n"
    "    <AssumedRoleUser>\n"
    "      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>\n"
    "      <Arn>arn:aws:sts::123456789012:assumed-role/reader/session</Arn>\n"
    "    </AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <AccessKeyId>ASIAROLE</AccessKeyId>\n"
    "      <SecretAccessKey>rolesecret</SecretAccessKey>\n"
    "      <SessionToken>roletoken</SessionToken>\n"
    "      <Expiration>2099-01-01T00:00:00Z</Expiration>\n"
    "    </Credentials>\n"
    "  </AssumeRoleResult>\n"
    "  <ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>\n"
    "</AssumeRoleResponse>\n";

static const char STS_DENIED[] =
    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <Error><Type>Sender</Type><Code>AccessDenied</Code>\n"
    "    <Message>User is not authorized to perform: sts:AssumeRole</Message></Error>\n"
    "  <RequestId>r2</RequestId>\n"
    "</ErrorResponse>\n";

static int deliver(credchain_buffer *buf, const char *text) {
    size_t len = strlen(text);
    uint8_t *p = credchain_buffer_alloc(buf, len);
    if (p == NULL) {
        return 0;
    }
    memcpy(p, text, len);
    return 1;
}

static credchain_run_status cred_run_process(void *userdata, const char *const *argv, size_t argc,
                                             uint32_t timeout_ms, size_t max_output_bytes,
                                             int32_t *exit_code_out, credchain_buffer *stdout_buf,
                                             credchain_buffer *stderr_buf) {
    struct cred_host *host = userdata;
    host->process_calls++;
    CHECK(argc == 3 && argv[3] == NULL && strcmp(argv[0], "/opt/bin/helper") == 0 &&
              strcmp(argv[1], "--name") == 0 && strcmp(argv[2], "two words") == 0,
          "argc %zu", argc);
    CHECK(timeout_ms > 0 && max_output_bytes >= 1024, "%u %zu", (unsigned)timeout_ms,
          max_output_bytes);
    if (!deliver(stdout_buf,
                 "{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": "
                 "\"procsecret\"}") ||
        !deliver(stderr_buf, "")) {
        return CREDCHAIN_RUN_ERROR;
    }
    *exit_code_out = 0;
    return CREDCHAIN_RUN_EXITED;
}

static credchain_http_status cred_http(void *userdata, const credchain_http_request *request,
                                       uint16_t *status_out, credchain_buffer *content_type,
                                       credchain_buffer *body) {
    struct cred_host *host = userdata;
    host->http_calls++;
    snprintf(host->url, sizeof host->url, "%s", request->url);
    size_t n = request->body_len;
    if (n > sizeof host->body - 1) {
        n = sizeof host->body - 1;
    }
    memcpy(host->body, request->body, n);
    host->body[n] = '\0';
    CHECK(strcmp(request->method, "POST") == 0, "method %s", request->method);
    for (size_t i = 0; i < request->header_count; i++) {
        if (strcmp(request->headers[i].name, "Authorization") == 0 ||
            strcmp(request->headers[i].name, "authorization") == 0) {
            host->signed_by_base =
                strstr(request->headers[i].value, "Credential=AKIDBASE/") != NULL;
        }
    }
    *status_out = host->sts_error ? 403 : 200;
    if (!deliver(content_type, "text/xml") ||
        !deliver(body, host->sts_error ? STS_DENIED : STS_OK)) {
        return CREDCHAIN_HTTP_TOO_LARGE;
    }
    return CREDCHAIN_HTTP_OK;
}

static credchain_prompt_status cred_prompt(void *userdata, const char *question,
                                           credchain_buffer *answer) {
    struct cred_host *host = userdata;
    host->prompt_calls++;
    CHECK(strstr(question, "mfa/alice") != NULL, "question \"%s\"", question);
    return deliver(answer, "123456\n") ? CREDCHAIN_PROMPT_OK : CREDCHAIN_PROMPT_CANCELLED;
}

static credchain_write_status cred_write_file(void *userdata, const char *path, const uint8_t *data,
                                              size_t len) {
    struct cred_host *host = userdata;
    host->write_calls++;
    snprintf(host->written_path, sizeof host->written_path, "%s", path);
    size_t n = len < sizeof host->written - 1 ? len : sizeof host->written - 1;
    memcpy(host->written, data, n);
    host->written[n] = '\0';
    return CREDCHAIN_WRITE_OK;
}

/* A callbacks handle over `host` for `profile`; NULL on failure. */
static credchain_config *callback_config(struct cred_host *host, const char *profile,
                                         size_t struct_size, int with_http) {
    credchain_callbacks cb = memory_callbacks(&host->mem);
    cb.struct_size = struct_size;
    cb.run_process = cred_run_process;
    cb.http = with_http ? cred_http : NULL;
    if (struct_size >= offsetof(credchain_callbacks, write_file) + sizeof cb.write_file) {
        cb.write_file = cred_write_file;
    }
    credchain_options opts = {0};
    opts.profile = profile;
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_callbacks(&cb, &opts, &cfg);
    /* The struct may go once the handle is made: the handle keeps a copy. */
    memset(&cb, 0xA5, sizeof cb);
    CHECK(r == CREDCHAIN_RESULT_OK, "%s: %u %s", profile, (unsigned)r, thread_error());
    return cfg;
}

static void test_credentials_callbacks(void) {
    static const char *const files[] = {
        "/mem/.aws/config",
        "[profile helper]\n"
        "credential_process = /opt/bin/helper --name \"two words\"\n"
        "\n" ROLE_OVER_BASE
        "\n"
        "[profile mfa-role]\n"
        "role_arn = arn:aws:iam::123456789012:role/admin\n"
        "source_profile = base\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
        "region = us-west-2\n",
        "/mem/.aws/credentials",
        BASE_CREDENTIALS,
        NULL,
    };
    struct cred_host host;
    MEMORY_HOST_RESET(host, MEM_HOME_ENV, files);

    /* credential_process through run_process, its command split like a shell. */
    credchain_config *cfg = callback_config(&host, "helper", sizeof(credchain_callbacks), 1);
    credchain_credentials *creds = NULL;
    if (cfg != NULL) {
        credchain_result r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r == CREDCHAIN_RESULT_OK && host.process_calls == 1, "%u %s", (unsigned)r,
              last_error(cfg));
        EXPECT_STRING(creds, credchain_credentials_access_key_id, "AKIDPROC");
        EXPECT_STRING(creds, credchain_credentials_session_token, NULL);
        EXPECT_META(creds, CREDCHAIN_PROVIDER_CUSTOM_PROCESS, "custom-process", 0);
        credchain_credentials_free(creds);
        credchain_config_free(cfg);
    }

    /* A caller built before run_process existed: its struct ends at read_file. */
    cfg = callback_config(&host, "helper", offsetof(credchain_callbacks, run_process), 1);
    if (cfg != NULL) {
        creds = NULL;
        credchain_result r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r == CREDCHAIN_RESULT_PROCESS_NOT_STARTED && creds == NULL &&
                  host.process_calls == 1,
              "%u %s", (unsigned)r, code_name(r));
        CHECK(strstr(last_error(cfg), "run_process is NULL") != NULL, "\"%s\"", last_error(cfg));
        credchain_config_free(cfg);
    }
    credchain_callbacks tiny;
    memset(&tiny, 0, sizeof tiny);
    tiny.struct_size = sizeof(size_t);
    cfg = NULL;
    CHECK(credchain_config_new_callbacks(&tiny, NULL, &cfg) ==
                  CREDCHAIN_RESULT_INVALID_STRUCT_SIZE &&
              cfg == NULL,
          "%s", thread_error());

    /* AssumeRole: the base profile's keys sign the STS call sent through the http callback. */
    cfg = callback_config(&host, "role", sizeof(credchain_callbacks), 1);
    if (cfg != NULL) {
        creds = NULL;
        credchain_result r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r == CREDCHAIN_RESULT_OK && host.http_calls == 1, "%u %s", (unsigned)r,
              last_error(cfg));
        CHECK(strstr(host.url, "https://sts.us-west-2.amazonaws.com") == host.url, "url %s",
              host.url);
        CHECK(strstr(host.body, "Action=AssumeRole") != NULL &&
                  strstr(host.body, "role%2Freader") != NULL,
              "body %s", host.body);
        CHECK(host.signed_by_base, "%s", "signed with the base profile's key");
        EXPECT_STRING(creds, credchain_credentials_access_key_id, "ASIAROLE");
        EXPECT_STRING(creds, credchain_credentials_secret_access_key, "rolesecret");
        EXPECT_STRING(creds, credchain_credentials_session_token, "roletoken");
        EXPECT_META(creds, CREDCHAIN_PROVIDER_ASSUME_ROLE, "assume-role", T_2099_01_01);
        credchain_credentials_free(creds);
        /* The result went to the cache the AWS CLI shares, through write_file, in its JSON. */
        CHECK(host.write_calls == 1 &&
                  strncmp(host.written_path, "/mem/.aws/cli/cache/", 20) == 0 &&
                  strlen(host.written_path) == 20 + 40 + 5,
              "%d writes, %s", host.write_calls, host.written_path);
        static const char cache_start[] = "{\"Credentials\": {\"AccessKeyId\": \"ASIAROLE\"";
        CHECK(strncmp(host.written, cache_start, strlen(cache_start)) == 0, "%.60s",
              host.written);
        explicit_bzero(host.written, sizeof host.written);

        /* STS says no. */
        host.sts_error = 1;
        creds = NULL;
        r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r == CREDCHAIN_RESULT_SERVICE_ERROR && creds == NULL, "%u %s", (unsigned)r,
              last_error(cfg));
        CHECK(strstr(last_error(cfg), "AccessDenied") != NULL, "\"%s\"", last_error(cfg));
        CHECK_NO_SECRET(last_error(cfg));
        /* The AWS CLI ends with its ClientError status for an error answer. */
        CHECK(credchain_config_last_exit_status(cfg) == 254, "%u",
              (unsigned)credchain_config_last_exit_status(cfg));
        host.sts_error = 0;
        credchain_config_free(cfg);
    }

    /* No http callback: the service is unreachable, and the message says why. */
    cfg = callback_config(&host, "role", sizeof(credchain_callbacks), 0);
    if (cfg != NULL) {
        creds = NULL;
        credchain_result r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r == CREDCHAIN_RESULT_SERVICE_UNREACHABLE && creds == NULL, "%u %s", (unsigned)r,
              last_error(cfg));
        CHECK(strstr(last_error(cfg), "credchain_callbacks.http is NULL") != NULL, "\"%s\"",
              last_error(cfg));
        credchain_config_free(cfg);
    }

    /* MFA: refused without a prompt (libcredchain never reads the terminal), then asked. */
    host.http_calls = 0;
    cfg = callback_config(&host, "mfa-role", sizeof(credchain_callbacks), 1);
    if (cfg != NULL) {
        creds = NULL;
        credchain_result r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r == CREDCHAIN_RESULT_MFA_CODE_UNAVAILABLE && creds == NULL && host.http_calls == 0,
              "%u %s", (unsigned)r, last_error(cfg));
        CHECK(strstr(last_error(cfg), "credchain_config_set_prompt") != NULL, "\"%s\"",
              last_error(cfg));
        CHECK(credchain_config_set_prompt(cfg, cred_prompt, &host) == CREDCHAIN_RESULT_OK, "%s",
              "");
        r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r == CREDCHAIN_RESULT_OK && host.prompt_calls == 1 && host.http_calls == 1,
              "%u %s", (unsigned)r, last_error(cfg));
        CHECK(strstr(host.body, "TokenCode=123456&") != NULL ||
                  (strstr(host.body, "TokenCode=123456") != NULL &&
                   strstr(host.body, "TokenCode=1234567") == NULL),
              "body %s", host.body);
        CHECK(strstr(host.body, "mfa%2Falice") != NULL, "body %s", host.body);
        EXPECT_STRING(creds, credchain_credentials_access_key_id, "ASIAROLE");
        credchain_credentials_free(creds);
        credchain_config_free(cfg);
    }
}

/* ---- The network providers through the callbacks: the container endpoint, EC2 instance
 * metadata, IAM Identity Center and a console login session. The http callback answers as each
 * service would and checks what it is sent; it never touches the network. ---- */

#define CONTAINER_URL "http://127.0.0.1:8080/creds"
#define CONTAINER_TOKEN "containerauth"
#define IMDS_ENDPOINT "http://127.0.0.1:1338"
#define IMDS_TOKEN_URL IMDS_ENDPOINT "/latest/api/token"
#define IMDS_ROLE_URL IMDS_ENDPOINT "/latest/meta-data/iam/security-credentials/"
#define IMDS_TOKEN "imdssessiontoken"
#define PORTAL_URL "https://portal.sso.us-east-1.amazonaws.com/federation/credentials"
#define SSO_TOKEN "ssobearertoken"
#define NET_SEEN 8
/* The SHA-1 of "corp-sso" and the SHA-256 of the login session's ARN, as the AWS CLI names the
 * cache files. */
#define SSO_CACHE_NAME "6f41fd3fbc69a076873a4656707fd9925e5c1f07"
#define LOGIN_CACHE_NAME "68afef069a49e0c940bc8515a36649850d686bdd2e3c07927360d151553fc4d3"

/* What the credentials request (the container's, the role credentials', GetRoleCredentials)
 * answers. */
enum net_answer { NET_OK, NET_STATUS_500, NET_CONNECT, NET_BAD_BODY };

struct net_host {
    struct memory_host mem; /* first: memory_get_env and memory_read_file take a net_host */
    enum net_answer answer;
    int http_calls;
    char seen[NET_SEEN][320]; /* "METHOD URL" of each request, in order */
};

static const char CONTAINER_JSON[] =
    "{\"AccessKeyId\": \"ASIACONTAINER\", \"SecretAccessKey\": \"containersecret\", "
    "\"Token\": \"containertoken\", \"Expiration\": \"2099-01-01T00:00:00Z\", "
    "\"AccountId\": \"123456789012\"}";

static const char IMDS_JSON[] =
    "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2098-12-31T18:00:00Z\",\n"
    "  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"ASIAIMDS\",\n"
    "  \"SecretAccessKey\" : \"imdssecret\",\n  \"Token\" : \"imdstoken\",\n"
    "  \"Expiration\" : \"2099-01-01T00:00:00Z\"\n}";

/* GetRoleCredentials' answer: the expiration in epoch milliseconds (2099-01-01). */
static const char SSO_JSON[] =
    "{\"roleCredentials\": {\"accessKeyId\": \"ASIASSO\", \"secretAccessKey\": \"ssosecret\", "
    "\"sessionToken\": \"ssotoken\", \"expiration\": 4070908800000}}";

/* The value of the request's header `name` (any case), or NULL. */
static const char *header_of(const credchain_http_request *request, const char *name) {
    for (size_t i = 0; i < request->header_count; i++) {
        if (strcasecmp(request->headers[i].name, name) == 0) {
            return request->headers[i].value;
        }
    }
    return NULL;
}

static credchain_http_status respond(uint16_t status, const char *type, const char *text,
                                     uint16_t *status_out, credchain_buffer *content_type,
                                     credchain_buffer *body) {
    *status_out = status;
    if ((type != NULL && !deliver(content_type, type)) || !deliver(body, text)) {
        return CREDCHAIN_HTTP_TOO_LARGE;
    }
    return CREDCHAIN_HTTP_OK;
}

/* The credentials request's answer: `json`, or the failure the host is set to give. */
static credchain_http_status respond_credentials(const struct net_host *host, const char *json,
                                                 uint16_t *status_out,
                                                 credchain_buffer *content_type,
                                                 credchain_buffer *body) {
    switch (host->answer) {
    case NET_STATUS_500:
        return respond(500, "application/json",
                       "{\"code\": \"InternalFailure\", \"message\": \"the service is down\"}",
                       status_out, content_type, body);
    case NET_CONNECT:
        return CREDCHAIN_HTTP_CONNECT;
    case NET_BAD_BODY:
        return respond(200, "application/json", "{\"not\": \"credentials\"}", status_out,
                       content_type, body);
    case NET_OK:
        break;
    }
    return respond(200, "application/json", json, status_out, content_type, body);
}

static credchain_http_status net_http(void *userdata, const credchain_http_request *request,
                                      uint16_t *status_out, credchain_buffer *content_type,
                                      credchain_buffer *body) {
    struct net_host *host = userdata;
    if (host->http_calls < NET_SEEN) {
        snprintf(host->seen[host->http_calls], sizeof host->seen[0], "%s %s", request->method,
                 request->url);
    }
    host->http_calls++;
    const char *url = request->url;
    int get = strcmp(request->method, "GET") == 0 && request->body_len == 0;
    CHECK(request->timeout_ms > 0 && request->max_body_bytes >= 1024, "%s: %u %zu", url,
          (unsigned)request->timeout_ms, request->max_body_bytes);

    if (strcmp(url, CONTAINER_URL) == 0) {
        const char *auth = header_of(request, "Authorization");
        CHECK(get, "%s %s", request->method, url);
        CHECK(auth != NULL && strcmp(auth, CONTAINER_TOKEN) == 0, "Authorization %s",
              auth ? "wrong" : "missing");
        if (auth == NULL || strcmp(auth, CONTAINER_TOKEN) != 0) {
            return respond(401, NULL, "", status_out, content_type, body);
        }
        return respond_credentials(host, CONTAINER_JSON, status_out, content_type, body);
    }

    if (strcmp(url, IMDS_TOKEN_URL) == 0) {
        const char *ttl = header_of(request, "x-aws-ec2-metadata-token-ttl-seconds");
        CHECK(strcmp(request->method, "PUT") == 0, "%s %s", request->method, url);
        CHECK(ttl != NULL && strcmp(ttl, "21600") == 0, "ttl %s", ttl ? ttl : "(missing)");
        return respond(200, "text/plain", IMDS_TOKEN, status_out, content_type, body);
    }
    if (strncmp(url, IMDS_ROLE_URL, strlen(IMDS_ROLE_URL)) == 0) {
        const char *token = header_of(request, "x-aws-ec2-metadata-token");
        const char *role = url + strlen(IMDS_ROLE_URL);
        CHECK(get, "%s %s", request->method, url);
        CHECK(token != NULL && strcmp(token, IMDS_TOKEN) == 0, "%s: token %s", url,
              token ? "wrong" : "missing");
        if (token == NULL || strcmp(token, IMDS_TOKEN) != 0) {
            return respond(401, NULL, "", status_out, content_type, body);
        }
        if (role[0] == '\0') {
            return respond(200, "text/plain", "reader-role", status_out, content_type, body);
        }
        CHECK(strcmp(role, "reader-role") == 0, "role %s", role);
        return respond_credentials(host, IMDS_JSON, status_out, content_type, body);
    }

    if (strncmp(url, PORTAL_URL "?", strlen(PORTAL_URL "?")) == 0) {
        const char *bearer = header_of(request, "x-amz-sso_bearer_token");
        CHECK(get, "%s %s", request->method, url);
        CHECK(bearer != NULL && strcmp(bearer, SSO_TOKEN) == 0, "x-amz-sso_bearer_token %s",
              bearer ? "wrong" : "missing");
        CHECK(strstr(url, "role_name=reader") != NULL &&
                  strstr(url, "account_id=123456789012") != NULL,
              "url %s", url);
        if (bearer == NULL || strcmp(bearer, SSO_TOKEN) != 0) {
            return respond(401, "application/json",
                           "{\"message\": \"Session token not found or invalid\"}", status_out,
                           content_type, body);
        }
        return respond_credentials(host, SSO_JSON, status_out, content_type, body);
    }

    CHECK(0, "unexpected request %s %s", request->method, url);
    return CREDCHAIN_HTTP_CONNECT;
}

/* A callbacks handle over `host` (env `env`) for `profile` (NULL: none); NULL on failure. */
static credchain_config *net_config(struct net_host *host, const char *const *env,
                                    const char *profile) {
    host->mem.env = env;
    host->answer = NET_OK;
    host->http_calls = 0;
    memset(host->seen, 0, sizeof host->seen);
    credchain_callbacks cb = memory_callbacks(&host->mem);
    cb.http = net_http;
    credchain_options opts = {0};
    opts.profile = profile;
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_callbacks(&cb, &opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%s: %u %s", profile ? profile : "(none)", (unsigned)r,
          thread_error());
    return cfg;
}

/* Resolves on `cfg`, expecting `want`; the credentials on success (the caller frees them). */
static credchain_credentials *net_resolve_at(credchain_config *cfg, credchain_result want,
                                             int line) {
    credchain_credentials *sentinel = (credchain_credentials *)&cfg;
    credchain_credentials *creds = sentinel;
    credchain_result r = credchain_config_resolve_credentials(cfg, &creds);
    check_at(r == want, __FILE__, line, "resolve", "%u %s, want %u (%s)", (unsigned)r,
             code_name(r), (unsigned)want, last_error(cfg));
    if (r != CREDCHAIN_RESULT_OK) {
        check_at(creds == sentinel, __FILE__, line, "*out untouched on failure", "%s", "");
        check_no_secret_at(last_error(cfg), line);
        return NULL;
    }
    return creds;
}
#define NET_RESOLVE(cfg, want) net_resolve_at(cfg, want, __LINE__)

/* The handle's last error names `what`. */
#define CHECK_ERROR_NAMES(cfg, what)                                                            \
    CHECK(strstr(last_error(cfg), what) != NULL, "\"%s\" does not name %s", last_error(cfg),   \
          what)

static void test_credentials_network(void) {
    static const char *const container_env[] = {
        "HOME", "/mem",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", CONTAINER_URL,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN,
        NULL,
    };
    static const char *const imds_env[] = {
        "HOME", "/mem",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", IMDS_ENDPOINT,
        NULL,
    };
    /* The token cache file of session "corp-sso" is named by the SHA-1 of the name; the login
     * cache file by the SHA-256 of the session ARN. */
    static const char *const files[] = {
        "/mem/.aws/config",
        "[profile sso]\n"
        "sso_session = corp-sso\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = reader\n"
        "region = eu-west-1\n"
        "\n"
        "[sso-session corp-sso]\n"
        "sso_region = us-east-1\n"
        "sso_start_url = https://d-abc123.awsapps.com/start\n"
        "\n"
        "[profile console]\n"
        "login_session = arn:aws:sts::123456789012:assumed-role/Admin/alice\n"
        "region = us-east-1\n",
        "/mem/.aws/sso/cache/" SSO_CACHE_NAME ".json",
        "{\"startUrl\": \"https://d-abc123.awsapps.com/start\", \"region\": \"us-east-1\", "
        "\"accessToken\": \"" SSO_TOKEN "\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}",
        "/mem/.aws/login/cache/" LOGIN_CACHE_NAME ".json",
        "{\"accessToken\": {\"accessKeyId\": \"ASIALOGIN\", \"secretAccessKey\": \"loginsecret\", "
        "\"sessionToken\": \"logintoken\", \"accountId\": \"123456789012\", "
        "\"expiresAt\": \"2099-01-01T00:00:00Z\"}, \"tokenType\": \"aws_sigv4\", "
        "\"clientId\": \"arn:aws:signin:::devtools/same-device\", "
        "\"refreshToken\": \"loginrefresh\", "
        /* Required on every load, as botocore requires it; read only for a refresh. */
        "\"dpopKey\": \"-----BEGIN EC PRIVATE KEY-----\\nnot read\\n-----END EC PRIVATE KEY-----\\n\"}",
        NULL,
    };
    struct net_host host;
    MEMORY_HOST_RESET(host, NULL, files);

    /* (a) The container endpoint: GET with the authorization token, JSON back. */
    credchain_config *cfg = net_config(&host, container_env, NULL);
    if (cfg != NULL) {
        credchain_credentials *creds = NET_RESOLVE(cfg, CREDCHAIN_RESULT_OK);
        CHECK(host.http_calls == 1 && strcmp(host.seen[0], "GET " CONTAINER_URL) == 0,
              "%d calls, first %s", host.http_calls, host.seen[0]);
        EXPECT_CREDENTIALS(creds, "ASIACONTAINER", "containersecret", "containertoken",
                           "123456789012", CREDCHAIN_PROVIDER_CONTAINER_ROLE, "container-role",
                           T_2099_01_01);
        credchain_credentials_free(creds);

        /* (d) The endpoint fails: every attempt (botocore makes 3) answers 500; no connection;
         * an answer that is not credentials. Each code says which, each message names the
         * endpoint. */
        host.answer = NET_STATUS_500;
        host.http_calls = 0;
        credchain_credentials_free(NET_RESOLVE(cfg, CREDCHAIN_RESULT_SERVICE_ERROR));
        CHECK(host.http_calls == 3, "%d calls", host.http_calls);
        CHECK_ERROR_NAMES(cfg, CONTAINER_URL);
        CHECK_ERROR_NAMES(cfg, "500");
        CHECK_ERROR_NAMES(cfg, "the service is down");
        host.answer = NET_CONNECT;
        credchain_credentials_free(NET_RESOLVE(cfg, CREDCHAIN_RESULT_SERVICE_UNREACHABLE));
        CHECK_ERROR_NAMES(cfg, CONTAINER_URL);
        host.answer = NET_BAD_BODY;
        credchain_credentials_free(NET_RESOLVE(cfg, CREDCHAIN_RESULT_SERVICE_BAD_RESPONSE));
        CHECK_ERROR_NAMES(cfg, CONTAINER_URL);
        credchain_config_free(cfg);
    }

    /* (b) EC2 instance metadata on a loopback endpoint: the IMDSv2 token (PUT), the role name
     * and the role's credentials, both asked with the token. */
    cfg = net_config(&host, imds_env, NULL);
    if (cfg != NULL) {
        credchain_credentials *creds = NET_RESOLVE(cfg, CREDCHAIN_RESULT_OK);
        CHECK(host.http_calls == 3, "%d calls", host.http_calls);
        CHECK(strcmp(host.seen[0], "PUT " IMDS_TOKEN_URL) == 0, "%s", host.seen[0]);
        CHECK(strcmp(host.seen[1], "GET " IMDS_ROLE_URL) == 0, "%s", host.seen[1]);
        CHECK(strcmp(host.seen[2], "GET " IMDS_ROLE_URL "reader-role") == 0, "%s", host.seen[2]);
        EXPECT_CREDENTIALS(creds, "ASIAIMDS", "imdssecret", "imdstoken", NULL,
                           CREDCHAIN_PROVIDER_IAM_ROLE, "iam-role", T_2099_01_01);
        credchain_credentials_free(creds);

        /* Off an instance the metadata service cannot be reached: as the AWS CLI says, no
         * credentials were found, every provider tried is listed, the metadata reason last. */
        host.answer = NET_CONNECT;
        host.http_calls = 0;
        credchain_credentials_free(NET_RESOLVE(cfg, CREDCHAIN_RESULT_CREDENTIALS_NOT_FOUND));
        CHECK_ERROR_NAMES(cfg, "container-role: neither");
        CHECK_ERROR_NAMES(cfg, "iam-role: EC2 instance metadata: the role credentials request at " IMDS_ROLE_URL);
        CHECK_ERROR_NAMES(cfg, "could not be reached");
        host.answer = NET_OK;
        credchain_config_free(cfg);
    }

    /* (c) IAM Identity Center: the sso_session's token from the cache file the AWS CLI
     * writes, then GetRoleCredentials from the portal with the token in its header. */
    cfg = net_config(&host, MEM_HOME_ENV, "sso");
    if (cfg != NULL) {
        credchain_credentials *creds = NET_RESOLVE(cfg, CREDCHAIN_RESULT_OK);
        CHECK(host.http_calls == 1 && strncmp(host.seen[0], "GET " PORTAL_URL "?",
                                              strlen("GET " PORTAL_URL "?")) == 0,
              "%d calls, first %s", host.http_calls, host.seen[0]);
        EXPECT_CREDENTIALS(creds, "ASIASSO", "ssosecret", "ssotoken", "123456789012",
                           CREDCHAIN_PROVIDER_SSO, "sso", T_2099_01_01);
        credchain_credentials_free(creds);

        /* (d) The portal fails, or cannot be reached. */
        host.answer = NET_STATUS_500;
        credchain_credentials_free(NET_RESOLVE(cfg, CREDCHAIN_RESULT_SERVICE_ERROR));
        CHECK_ERROR_NAMES(cfg, PORTAL_URL);
        CHECK_ERROR_NAMES(cfg, "InternalFailure");
        host.answer = NET_CONNECT;
        credchain_credentials_free(NET_RESOLVE(cfg, CREDCHAIN_RESULT_SERVICE_UNREACHABLE));
        CHECK_ERROR_NAMES(cfg, PORTAL_URL);
        credchain_config_free(cfg);
    }

    /* (e) A console login session whose cached credentials are far from expiry: no refresh, so
     * no HTTP call (and no P-256 key needed). */
    cfg = net_config(&host, MEM_HOME_ENV, "console");
    if (cfg != NULL) {
        credchain_credentials *creds = NET_RESOLVE(cfg, CREDCHAIN_RESULT_OK);
        CHECK(host.http_calls == 0, "%d calls, first %s", host.http_calls, host.seen[0]);
        EXPECT_CREDENTIALS(creds, "ASIALOGIN", "loginsecret", "logintoken", "123456789012",
                           CREDCHAIN_PROVIDER_LOGIN, "login", T_2099_01_01);
        credchain_credentials_free(creds);
        credchain_config_free(cfg);
    }
}

/* The long-lived resolver: held credentials served until 5 minutes before expiry, one refresh
 * for many threads, unexpired credentials kept through a failed refresh. An injected clock; a
 * credential_process whose credentials expire an hour after the clock's time. */
struct resolver_host {
    struct memory_host mem; /* first: memory_get_env and memory_read_file take it */
    long long now;          /* the clock; written only while no resolution runs */
    int process_calls;      /* run_process is called one at a time: no lock needed */
    int fail;               /* the process exits 1 */
    int slow;               /* the process takes 50 ms, so that threads overlap */
};

static int64_t resolver_now(void *userdata) {
    const struct resolver_host *host = userdata;
    return (int64_t)host->now;
}

static credchain_run_status resolver_run(void *userdata, const char *const *argv, size_t argc,
                                         uint32_t timeout_ms, size_t max_output_bytes,
                                         int32_t *exit_code_out, credchain_buffer *stdout_buf,
                                         credchain_buffer *stderr_buf) {
    struct resolver_host *host = userdata;
    (void)argv;
    (void)argc;
    (void)timeout_ms;
    (void)max_output_bytes;
    host->process_calls++;
    if (host->slow) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (host->fail) {
        *exit_code_out = 1;
        return deliver(stdout_buf, "") && deliver(stderr_buf, "helper is down\n")
                   ? CREDCHAIN_RUN_EXITED
                   : CREDCHAIN_RUN_ERROR;
    }
    time_t expires = (time_t)(host->now + 3600);
    struct tm tm;
    char stamp[32];
    char json[256];
    gmtime_r(&expires, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(json, sizeof json,
             "{\"Version\": 1, \"AccessKeyId\": \"AKIDRUN%d\", \"SecretAccessKey\": \"s\", "
             "\"SessionToken\": \"t\", \"Expiration\": \"%s\"}",
             host->process_calls, stamp);
    *exit_code_out = 0;
    return deliver(stdout_buf, json) && deliver(stderr_buf, "") ? CREDCHAIN_RUN_EXITED
                                                                 : CREDCHAIN_RUN_ERROR;
}

/* The access key the resolver gives now ("" on failure, with the code in *code). */
static void resolver_key(credchain_resolver *resolver, char *key, size_t len,
                         credchain_result *code) {
    credchain_credentials *creds = NULL;
    size_t n = 0;
    key[0] = '\0';
    *code = credchain_resolver_credentials(resolver, &creds);
    if (*code == CREDCHAIN_RESULT_OK) {
        credchain_credentials_access_key_id(creds, key, len, &n);
        credchain_credentials_free(creds);
    }
}

struct resolver_thread {
    credchain_resolver *resolver;
    char key[64];
    credchain_result code;
};

static void *resolver_thread_main(void *arg) {
    struct resolver_thread *t = arg;
    resolver_key(t->resolver, t->key, sizeof t->key, &t->code);
    return NULL;
}

static void test_resolver(void) {
    static const char *const files[] = {
        "/mem/.aws/config", "[default]\ncredential_process = /opt/bin/helper\n", NULL,
    };
    struct resolver_host host;
    MEMORY_HOST_RESET(host, MEM_HOME_ENV, files);
    host.now = 1800000000LL; /* 2027-01-15T08:00:00Z */
    credchain_callbacks cb = memory_callbacks(&host.mem);
    cb.userdata = &host;
    cb.run_process = resolver_run;
    cb.now = resolver_now;
    credchain_options opts = {0};
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_callbacks(&cb, &opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg == NULL) {
        return;
    }
    CHECK(credchain_resolver_new(NULL, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER, "%s", "");
    credchain_resolver *resolver = NULL;
    r = credchain_resolver_new(cfg, &resolver);
    CHECK(r == CREDCHAIN_RESULT_OK && resolver != NULL, "%u", (unsigned)r);
    if (resolver == NULL) {
        credchain_config_free(cfg);
        return;
    }
    char key[64];
    resolver_key(resolver, key, sizeof key, &r);
    CHECK(r == CREDCHAIN_RESULT_OK && strcmp(key, "AKIDRUN1") == 0, "%u %s", (unsigned)r, key);

    /* Fresh: held credentials, no new resolution. */
    host.now += 3600 - 301;
    resolver_key(resolver, key, sizeof key, &r);
    CHECK(strcmp(key, "AKIDRUN1") == 0 && credchain_resolver_resolutions(resolver) == 1,
          "%s after %llu resolutions", key,
          (unsigned long long)credchain_resolver_resolutions(resolver));

    /* Within 5 minutes of expiry: refreshed. */
    host.now += 2;
    resolver_key(resolver, key, sizeof key, &r);
    CHECK(strcmp(key, "AKIDRUN2") == 0 && credchain_resolver_resolutions(resolver) == 2,
          "%s after %llu resolutions", key,
          (unsigned long long)credchain_resolver_resolutions(resolver));

    /* Expired, and eight threads ask at once: one refresh, and all get its credentials. */
    host.now += 3601;
    host.slow = 1;
    struct resolver_thread threads[8];
    pthread_t ids[8];
    for (int i = 0; i < 8; i++) {
        threads[i].resolver = resolver;
        CHECK(pthread_create(&ids[i], NULL, resolver_thread_main, &threads[i]) == 0, "thread %d",
              i);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(ids[i], NULL);
        CHECK(threads[i].code == CREDCHAIN_RESULT_OK && strcmp(threads[i].key, "AKIDRUN3") == 0,
              "thread %d: %u %s", i, (unsigned)threads[i].code, threads[i].key);
    }
    CHECK(host.process_calls == 3 && credchain_resolver_resolutions(resolver) == 3,
          "%d process runs, %llu resolutions", host.process_calls,
          (unsigned long long)credchain_resolver_resolutions(resolver));
    host.slow = 0;

    /* A failed refresh while the held credentials have not expired: they are still given. */
    host.fail = 1;
    host.now += 3600 - 60;
    resolver_key(resolver, key, sizeof key, &r);
    CHECK(r == CREDCHAIN_RESULT_OK && strcmp(key, "AKIDRUN3") == 0, "%u %s", (unsigned)r, key);
    /* Once they have expired, the failure is the answer, with the process's error output. */
    host.now += 61;
    resolver_key(resolver, key, sizeof key, &r);
    CHECK(r == CREDCHAIN_RESULT_PROCESS_FAILED, "%u %s", (unsigned)r, key);
    CHECK(strstr(thread_error(), "helper is down") != NULL, "\"%s\"", thread_error());
    credchain_resolver_free(resolver);
    credchain_resolver_free(NULL);
}

/* ---- Retries: STS answers 503 first; the sleep and random callbacks. ---- */

struct retry_host {
    struct memory_host mem; /* first: memory_get_env and memory_read_file take a retry_host */
    int fail_first;         /* requests answered 503 before STS_OK */
    int http_calls;
    int sleep_calls;
    unsigned sleeps[8];
    int random_calls;
};

static const char STS_UNAVAILABLE[] =
    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>\n"
    "    <Message>busy</Message></Error>\n"
    "</ErrorResponse>\n";

static credchain_http_status retry_http(void *userdata, const credchain_http_request *request,
                                        uint16_t *status_out, credchain_buffer *content_type,
                                        credchain_buffer *body) {
    struct retry_host *host = userdata;
    (void)request;
    int fail = host->http_calls < host->fail_first;
    host->http_calls++;
    *status_out = fail ? 503 : 200;
    if (!deliver(content_type, "text/xml") || !deliver(body, fail ? STS_UNAVAILABLE : STS_OK)) {
        return CREDCHAIN_HTTP_TOO_LARGE;
    }
    return CREDCHAIN_HTTP_OK;
}

static void retry_sleep(void *userdata, uint32_t ms) {
    struct retry_host *host = userdata;
    if (host->sleep_calls < 8) {
        host->sleeps[host->sleep_calls] = ms;
    }
    host->sleep_calls++;
}

static uint32_t retry_random(void *userdata) {
    struct retry_host *host = userdata;
    host->random_calls++;
    return UINT32_C(1) << 31; /* one half: every wait is half its ceiling */
}

/* Resolves profile `role` over `host` (sleep and random callbacks when `with_callbacks`),
 * expecting `want`. */
static void retry_resolve(struct retry_host *host, int with_callbacks, credchain_result want) {
    credchain_callbacks cb = memory_callbacks(&host->mem);
    cb.http = retry_http;
    if (with_callbacks) {
        cb.sleep = retry_sleep;
        cb.random = retry_random;
    }
    credchain_options opts = {0};
    opts.profile = "role";
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_callbacks(&cb, &opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg == NULL) {
        return;
    }
    credchain_credentials *creds = NULL;
    r = credchain_config_resolve_credentials(cfg, &creds);
    CHECK(r == want, "%u %s, want %u (%s)", (unsigned)r, code_name(r), (unsigned)want,
          last_error(cfg));
    if (r == CREDCHAIN_RESULT_INVALID_RETRY_CONFIG) {
        CHECK(strstr(last_error(cfg), "max_attempts") != NULL &&
                  strstr(last_error(cfg), "AWS_MAX_ATTEMPTS") != NULL,
              "\"%s\" names neither max_attempts nor its source", last_error(cfg));
    }
    credchain_credentials_free(creds);
    credchain_config_free(cfg);
}

static void test_retries(void) {
    static const char *const files[] = {
        "/mem/.aws/config", ROLE_OVER_BASE, "/mem/.aws/credentials", BASE_CREDENTIALS, NULL,
    };
    static const char *const one_attempt[] = {
        "HOME", "/mem", "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "1", NULL,
    };
    static const char *const bad[] = {
        "HOME", "/mem", "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "0", NULL,
    };
    struct retry_host host;

    /* 503, then 200: two requests, one wait of half a second, one random number. */
    MEMORY_HOST_RESET(host, MEM_HOME_ENV, files);
    host.fail_first = 1;
    retry_resolve(&host, 1, CREDCHAIN_RESULT_OK);
    CHECK(host.http_calls == 2, "%d requests", host.http_calls);
    CHECK(host.sleep_calls == 1 && host.sleeps[0] == 500, "%d sleeps, first %u", host.sleep_calls,
          host.sleeps[0]);
    CHECK(host.random_calls == 1, "%d random numbers", host.random_calls);

    /* Always 503: three attempts (standard mode), waits of 0.5 and 1 s, the service's error. */
    MEMORY_HOST_RESET(host, MEM_HOME_ENV, files);
    host.fail_first = 100;
    retry_resolve(&host, 1, CREDCHAIN_RESULT_SERVICE_ERROR);
    CHECK(host.http_calls == 3, "%d requests", host.http_calls);
    CHECK(host.sleep_calls == 2 && host.sleeps[0] == 500 && host.sleeps[1] == 1000,
          "%d sleeps: %u %u", host.sleep_calls, host.sleeps[0], host.sleeps[1]);

    /* max_attempts 1: one request, no wait. */
    MEMORY_HOST_RESET(host, one_attempt, files);
    host.fail_first = 100;
    retry_resolve(&host, 1, CREDCHAIN_RESULT_SERVICE_ERROR);
    CHECK(host.http_calls == 1 && host.sleep_calls == 0, "%d requests, %d sleeps",
          host.http_calls, host.sleep_calls);

    /* max_attempts 0: refused before any request. */
    MEMORY_HOST_RESET(host, bad, files);
    retry_resolve(&host, 1, CREDCHAIN_RESULT_INVALID_RETRY_CONFIG);
    CHECK(host.http_calls == 0, "%d requests", host.http_calls);

    /* No sleep callback: the library sleeps the thread itself (at most a second here). */
    MEMORY_HOST_RESET(host, MEM_HOME_ENV, files);
    host.fail_first = 1;
    retry_resolve(&host, 0, CREDCHAIN_RESULT_OK);
    CHECK(host.http_calls == 2 && host.sleep_calls == 0, "%d requests, %d sleeps",
          host.http_calls, host.sleep_calls);
}

/* Values of any length pass through every output path: no crash, no truncation, and the
 * two-call pattern gives their whole length (the probe's F2, for the C frontend). */
/* The whole text of the file at `path` into a static buffer ("" when it cannot be read). */
static const char *file_text(const char *path) {
    static char buf[4096];
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return buf;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static unsigned mode_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0;
}

static void test_edit_host(void) {
    char dir[400], config[420], credentials[420];
    snprintf(dir, sizeof dir, "%s/edit.d", home);
    snprintf(config, sizeof config, "%s/config", dir);
    snprintf(credentials, sizeof credentials, "%s/edit-credentials", home);
    write_file(credentials, "[default]\n# old keys\naws_access_key_id = AKIDOLD\r\n\n[other]\nx = 1");
    CHECK(chmod(credentials, 0640) == 0, "chmod");
    setenv("AWS_CONFIG_FILE", config, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", credentials, 1);
    credchain_config *cfg = host_config(NULL);
    credchain_result r;
    if (cfg == NULL) {
        goto done;
    }

    /* A missing file (and its directory) is created, private. */
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CONFIG, "profile dev", "region", "eu-central-1");
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, last_error(cfg));
    CHECK(strcmp(file_text(config), "[profile dev]\nregion = eu-central-1\n") == 0, "\"%s\"",
          file_text(config));
    CHECK(mode_of(config) == 0600 && mode_of(dir) == 0700, "file %o dir %o", mode_of(config),
          mode_of(dir));
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CONFIG, "default", "region", "ap-south-1");
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, last_error(cfg));
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CONFIG, "profile dev", "output", "json");
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, last_error(cfg));
    CHECK(strcmp(file_text(config), "[profile dev]\nregion = eu-central-1\noutput = json\n"
                                    "[default]\nregion = ap-south-1\n") == 0,
          "\"%s\"", file_text(config));

    /* The handle keeps the files it was made from; a new one reads the edit, with its line. */
    char value[64];
    size_t n = 0;
    credchain_source src;
    CHECK(credchain_config_resolve(cfg, "region", value, sizeof value, &n, &src) ==
              CREDCHAIN_RESULT_NOT_SET,
          "stale handle: \"%s\"", value);
    credchain_config *fresh = NULL;
    r = credchain_config_new_host(NULL, &fresh);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (fresh != NULL) {
        EXPECT(fresh, "region", "ap-south-1", CREDCHAIN_SOURCE_KIND_CONFIG_FILE, NULL, config, 5);
        credchain_config_free(fresh);
    }

    /* A value of NULL deletes the key's line. */
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CONFIG, "profile dev", "region", NULL);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, last_error(cfg));
    CHECK(strcmp(file_text(config),
                 "[profile dev]\noutput = json\n[default]\nregion = ap-south-1\n") == 0,
          "\"%s\"", file_text(config));

    /* The credentials file: the key's line replaced (its own line end kept), every other byte
     * kept, and the file's mode. */
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CREDENTIALS, "default", "aws_access_key_id",
                              "AKIDNEW");
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, last_error(cfg));
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CREDENTIALS, "other", "y", "2");
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, last_error(cfg));
    CHECK(strcmp(file_text(credentials), "[default]\n# old keys\naws_access_key_id = AKIDNEW\r\n\n"
                                         "[other]\nx = 1\ny = 2\n") == 0,
          "\"%s\"", file_text(credentials));
    CHECK(mode_of(credentials) == 0640, "mode %o", mode_of(credentials));

    /* Refused edits leave the file alone; the message names the key, never the value. */
    char before[4096];
    snprintf(before, sizeof before, "%s", file_text(credentials));
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CREDENTIALS, "default",
                              "aws_secret_access_key", "line1\nsecret-part");
    CHECK(r == CREDCHAIN_RESULT_INVALID_EDIT, "%u", (unsigned)r);
    CHECK(strstr(last_error(cfg), "aws_secret_access_key") != NULL &&
              strstr(last_error(cfg), credentials) != NULL &&
              strstr(last_error(cfg), "secret-part") == NULL,
          "\"%s\"", last_error(cfg));
    CHECK(strcmp(file_text(credentials), before) == 0, "changed: \"%s\"", file_text(credentials));
    r = credchain_config_edit(cfg, 7, "default", "region", "x");
    CHECK(r == CREDCHAIN_RESULT_INVALID_EDIT && strstr(last_error(cfg), "7") != NULL, "%u %s",
          (unsigned)r, last_error(cfg));
    CHECK(credchain_config_edit(cfg, CREDCHAIN_FILE_CONFIG, NULL, "region", "x") ==
              CREDCHAIN_RESULT_NULL_PARAMETER,
          "NULL section");
    CHECK(credchain_config_edit(NULL, CREDCHAIN_FILE_CONFIG, "default", "region", "x") ==
              CREDCHAIN_RESULT_NULL_PARAMETER,
          "NULL handle");
    credchain_config_free(cfg);
done:
    unlink(config);
    rmdir(dir);
    unlink(credentials);
    unsetenv("AWS_CONFIG_FILE");
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
}

static void test_set_host(void) {
    char config[420], credentials[420];
    snprintf(config, sizeof config, "%s/set-config", home);
    snprintf(credentials, sizeof credentials, "%s/set-credentials", home);
    write_file(config, "[default]\nregion = us-east-1 # home\n\n[profile other]\noutput = json\n");
    setenv("AWS_CONFIG_FILE", config, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", credentials, 1);
    credchain_options opts = {0};
    opts.profile = "my dev"; /* need not exist: set makes it */
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_host(&opts, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg == NULL) {
        goto done;
    }
    static const char *const sets[][2] = {
        {"region", "eu-west-1"},
        {"s3.max_concurrent_requests", "10"},
        {"aws_access_key_id", "AKIDSET"},
        {"default.region", "ap-south-1"},
        {"profile.other.region", "sa-east-1"},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        r = credchain_config_set(cfg, sets[i][0], sets[i][1]);
        CHECK(r == CREDCHAIN_RESULT_OK, "%s: %u %s", sets[i][0], (unsigned)r, last_error(cfg));
    }
    CHECK(strcmp(file_text(config), "[default]\nregion = ap-south-1\n\n[profile other]\n"
                                    "output = json\nregion = sa-east-1\n"
                                    "[profile 'my dev']\nregion = eu-west-1\ns3 =\n"
                                    "    max_concurrent_requests = 10\n") == 0,
          "\"%s\"", file_text(config));
    CHECK(strcmp(file_text(credentials), "[my dev]\naws_access_key_id = AKIDSET\n") == 0,
          "\"%s\"", file_text(credentials));
    r = credchain_config_set(cfg, "s3.a.b", "x");
    CHECK(r == CREDCHAIN_RESULT_INVALID_EDIT && strstr(last_error(cfg), "Deep nesting") != NULL,
          "%u %s", (unsigned)r, last_error(cfg));
    CHECK(credchain_config_set(cfg, "region", NULL) == CREDCHAIN_RESULT_NULL_PARAMETER,
          "NULL value");
    credchain_config_free(cfg);
done:
    unlink(config);
    unlink(credentials);
    unsetenv("AWS_CONFIG_FILE");
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
}

/* One file in memory, read and written through callbacks; `intrude` is written over it by the
 * read that comes just before a write (another writer between credchain's read and write). */
struct edit_host {
    struct memory_host mem;
    char text[1024];
    int exists;
    int reads;
    int writes;
    const char *intrude;
};

static credchain_read_status edit_read_file(void *userdata, const char *path,
                                            credchain_file_buffer *file) {
    struct edit_host *host = userdata;
    if (strcmp(path, "/mem/.aws/config") != 0) {
        return CREDCHAIN_READ_NOT_FOUND;
    }
    host->reads++;
    if (host->reads == 3 && host->intrude != NULL) {
        snprintf(host->text, sizeof host->text, "%s", host->intrude);
        host->exists = 1;
    }
    if (!host->exists) {
        return CREDCHAIN_READ_NOT_FOUND;
    }
    size_t len = strlen(host->text);
    uint8_t *buf = credchain_file_buffer_alloc(file, len);
    if (buf == NULL) {
        return CREDCHAIN_READ_ERROR;
    }
    memcpy(buf, host->text, len);
    return CREDCHAIN_READ_OK;
}

static credchain_write_status edit_write_file(void *userdata, const char *path,
                                              const uint8_t *data, size_t len) {
    struct edit_host *host = userdata;
    host->writes++;
    if (strcmp(path, "/mem/.aws/config") != 0 || len >= sizeof host->text) {
        return CREDCHAIN_WRITE_ERROR;
    }
    memcpy(host->text, data, len);
    host->text[len] = '\0';
    host->exists = 1;
    return CREDCHAIN_WRITE_OK;
}

static void test_edit_callbacks(void) {
    struct edit_host host;
    MEMORY_HOST_RESET(host, MEM_HOME_ENV, NULL);
    credchain_callbacks cb = memory_callbacks(&host.mem);
    cb.read_file = edit_read_file;
    cb.write_file = edit_write_file;
    credchain_config *cfg = NULL;
    credchain_result r = credchain_config_new_callbacks(&cb, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg == NULL) {
        return;
    }
    /* Made: reads 1 (handle). The edit reads (2), compares before writing (3), writes. */
    host.intrude = "[default]\n# another writer\n";
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CONFIG, "default", "region", "us-east-2");
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, last_error(cfg));
    /* The other writer's text was seen before the write: edited again over it, nothing lost. */
    CHECK(strcmp(host.text, "[default]\n# another writer\nregion = us-east-2\n") == 0, "\"%s\"",
          host.text);
    CHECK(host.writes == 1, "writes %d", host.writes);
    credchain_config_free(cfg);

    /* No write_file: the edit is refused, saying which callback to set. */
    MEMORY_HOST_RESET(host, MEM_HOME_ENV, NULL);
    cb = memory_callbacks(&host.mem);
    cb.read_file = edit_read_file;
    cfg = NULL;
    r = credchain_config_new_callbacks(&cb, NULL, &cfg);
    CHECK(r == CREDCHAIN_RESULT_OK, "%u %s", (unsigned)r, thread_error());
    if (cfg == NULL) {
        return;
    }
    r = credchain_config_edit(cfg, CREDCHAIN_FILE_CONFIG, "default", "region", "us-east-2");
    CHECK(r == CREDCHAIN_RESULT_WRITE_UNSUPPORTED &&
              strstr(last_error(cfg), "write_file") != NULL,
          "%u %s", (unsigned)r, last_error(cfg));
    CHECK(!host.exists, "written without write_file");
    credchain_config_free(cfg);
}

static void test_huge_values(void) {
    enum { HUGE = 200000 };
    char *region = malloc(HUGE + 1);
    char *name = malloc(HUGE + 1);
    size_t text_len = 3 * HUGE + 256;
    char *text = malloc(text_len);
    char path[400];
    if (region == NULL || name == NULL || text == NULL) {
        perror("malloc");
        exit(2);
    }
    memset(region, 'r', HUGE);
    region[HUGE] = '\0';
    memset(name, 'n', HUGE);
    name[HUGE] = '\0';
    snprintf(text, text_len, "[default]\nregion = %s\n[profile %s]\nregion = x\n", region, name);
    snprintf(path, sizeof path, "%s/huge-config", home);
    write_file(path, text);
    setenv("AWS_CONFIG_FILE", path, 1);
    credchain_config *cfg = host_config(NULL);
    credchain_result r;
    if (cfg != NULL) {
        size_t n = 0;
        credchain_source src;
        char small[16];
        /* As `aws configure get`, the file's value whole; resolved, the region is refused as
         * no host label, naming it. */
        r = credchain_config_get(cfg, "region", small, sizeof small, &n, &src);
        CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && n == HUGE + 1, "%u %zu", (unsigned)r, n);
        char *value = malloc(n);
        r = credchain_config_get(cfg, "region", value, n, &n, &src);
        CHECK(r == CREDCHAIN_RESULT_OK && strcmp(value, region) == 0, "%u", (unsigned)r);
        free(value);
        r = credchain_config_resolve(cfg, "region", small, sizeof small, &n, &src);
        CHECK(r == CREDCHAIN_RESULT_INVALID_REGION, "%u", (unsigned)r);
        /* A profile name of 200,000 characters is listed whole. */
        size_t count = 0;
        r = credchain_config_profile_count(cfg, &count);
        CHECK(r == CREDCHAIN_RESULT_OK && count >= 2, "%u %s count %zu", (unsigned)r,
              last_error(cfg), count);
        r = credchain_config_profile_name(cfg, 1, small, sizeof small, &n);
        CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && n == HUGE + 1, "%u %zu", (unsigned)r, n);
        credchain_config_free(cfg);
    }
    /* A missing profile of a huge name: the error says so and fits the caller's buffer or
     * says how much it needs. */
    setenv("AWS_PROFILE", name, 1);
    cfg = host_config(NULL);
    if (cfg != NULL) {
        size_t n = 0;
        credchain_source src;
        char value[64];
        r = credchain_config_resolve(cfg, "region", value, sizeof value, &n, &src);
        CHECK(r == CREDCHAIN_RESULT_OK || r == CREDCHAIN_RESULT_PROFILE_NOT_FOUND, "%u",
              (unsigned)r);
        credchain_credentials *creds = NULL;
        r = credchain_config_resolve_credentials(cfg, &creds);
        CHECK(r != CREDCHAIN_RESULT_OK && creds == NULL, "%u", (unsigned)r);
        char tiny[8];
        r = credchain_config_last_error(cfg, tiny, sizeof tiny, &n);
        CHECK(r == CREDCHAIN_RESULT_BUFFER_TOO_SMALL && n > HUGE, "%u %zu", (unsigned)r, n);
        credchain_config_free(cfg);
    }
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_CONFIG_FILE");
    unlink(path);
    free(region);
    free(name);
    free(text);
}

/* credchain_lint: the same findings and codes as `credchain lint --format json`, owned by the
 * result object, NULL-tolerant, no file read. */
static void test_lint(void) {
    static const char config[] =
        "[default]\n"
        "region = eu-west-1 # prod\n"
        "regoin = x\n"
        "[profile loop]\n"
        "role_arn = arn:aws:iam::123456789012:role/r\n"
        "source_profile = loop\n";
    static const char credentials[] = "[profile x]\naws_access_key_id = ASIA\n"
                                      "aws_secret_access_key = s\naws_session_token = t\n";
    credchain_lint_findings *findings = NULL;
    credchain_result r = credchain_lint((const uint8_t *)config, strlen(config), 0600,
                                        (const uint8_t *)credentials, strlen(credentials), 0644,
                                        &findings);
    CHECK(r == CREDCHAIN_RESULT_OK, "%s", code_name(r));
    static const struct {
        const char *code, *file;
        uint32_t line;
        const char *severity;
    } want[] = {
        {"inline-comment", "config", 2, "warning"},
        {"unknown-key", "config", 3, "warning"},
        {"role-chain-cycle", "config", 6, "error"},
        {"file-permissions", "credentials", 0, "warning"},
        {"profile-prefix-in-credentials", "credentials", 1, "warning"},
    };
    size_t n = credchain_lint_findings_count(findings);
    CHECK(n == sizeof want / sizeof want[0], "%zu findings", n);
    for (size_t i = 0; i < n && i < sizeof want / sizeof want[0]; i++) {
        credchain_lint_finding f;
        r = credchain_lint_findings_get(findings, i, &f);
        CHECK(r == CREDCHAIN_RESULT_OK, "%s", code_name(r));
        CHECK(strcmp(f.code, want[i].code) == 0, "%zu: %s", i, f.code);
        CHECK(strcmp(f.file, want[i].file) == 0, "%zu: %s", i, f.file);
        CHECK(f.line == want[i].line, "%zu: line %u", i, (unsigned)f.line);
        CHECK(strcmp(f.severity, want[i].severity) == 0, "%zu: %s", i, f.severity);
        CHECK(strlen(f.message) > 0 && strlen(f.fix) > 0, "%zu", i);
    }
    credchain_lint_finding f;
    memset(&f, 0, sizeof f);
    CHECK(credchain_lint_findings_get(findings, n, &f) == CREDCHAIN_RESULT_INDEX_OUT_OF_RANGE, "");
    CHECK(f.code == NULL, "output untouched");
    CHECK(credchain_lint_findings_get(findings, 0, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER, "");
    CHECK(credchain_lint_findings_get(NULL, 0, &f) == CREDCHAIN_RESULT_NULL_PARAMETER, "");
    CHECK(credchain_lint_findings_count(NULL) == 0, "");
    credchain_lint_findings_free(findings);
    credchain_lint_findings_free(NULL);

    /* No files, unknown modes: nothing to say. A NULL text with a length is refused. */
    findings = NULL;
    r = credchain_lint(NULL, 0, -1, NULL, 0, -1, &findings);
    CHECK(r == CREDCHAIN_RESULT_OK && credchain_lint_findings_count(findings) == 0, "%s",
          code_name(r));
    credchain_lint_findings_free(findings);
    findings = NULL;
    r = credchain_lint(NULL, 3, -1, NULL, 0, -1, &findings);
    CHECK(r == CREDCHAIN_RESULT_NULL_PARAMETER && findings == NULL, "%s", code_name(r));
    CHECK(strstr(thread_error(), "config") != NULL, "%s", thread_error());
    CHECK(credchain_lint(NULL, 0, -1, NULL, 0, -1, NULL) == CREDCHAIN_RESULT_NULL_PARAMETER, "");
}

int main(void) {
    make_home();
    test_messages_and_version();
    test_null_arguments();
    test_host_defaults();
    test_host_options();
    test_host_environment();
    test_host_parse_errors();
    test_callbacks();
    test_credentials_null_arguments();
    test_credentials_static_profile();
    test_credentials_environment();
    test_credentials_process();
    test_credentials_failures();
    test_credentials_callbacks();
    test_credentials_network();
    test_retries();
    test_resolver();
    test_huge_values();
    test_edit_host();
    test_set_host();
    test_edit_callbacks();
    test_lint();
    remove_home();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

// SPDX-License-Identifier: MIT
#include "nanoclaw/container/run_outcome.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nanoclaw::container {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(CappedBufferTest, KeepsWhatFitsAndReportsTruncationOnce) {
    CappedBuffer buf(10);
    EXPECT_FALSE(buf.append("12345"));
    EXPECT_TRUE(buf.append("6789012"));
    EXPECT_FALSE(buf.append("more"));
    EXPECT_EQ(buf.text(), "1234567890");
    EXPECT_TRUE(buf.truncated());
}

TEST(EffectiveTimeoutTest, GraceRuleKeepsHardKillAfterIdleClose) {
    EXPECT_EQ(effective_hard_timeout(1'800'000ms, 1'800'000ms, 30'000ms), 1'830'000ms);
    EXPECT_EQ(effective_hard_timeout(60'000ms, 1'800'000ms, 30'000ms), 1'830'000ms);
    EXPECT_EQ(effective_hard_timeout(3'600'000ms, 1'800'000ms, 30'000ms), 3'600'000ms);
}

TEST(DecideOutcomeTest, TimeoutAfterOutputIsSuccessWithLatestSession) {
    RunFacts f;
    f.timed_out = true;
    f.had_streaming_output = true;
    f.latest_session_id = "session-123";
    f.exit_code = 137;
    EXPECT_EQ(decide_outcome(f),
              (ContainerOutput{OutputStatus::success, std::nullopt, "session-123", std::nullopt, std::nullopt}));
}

TEST(DecideOutcomeTest, TimeoutWithoutOutputNamesTheConfiguredTimeout) {
    RunFacts f;
    f.timed_out = true;
    f.config_timeout_ms = 60000;
    const auto out = decide_outcome(f);
    EXPECT_EQ(out.status, OutputStatus::error);
    EXPECT_EQ(out.error, "Container timed out after 60000ms");
}

TEST(DecideOutcomeTest, NonZeroExitCarriesLast200BytesOfStderr) {
    const std::string err = std::string(500, 'x') + "BOOM";
    RunFacts f;
    f.exit_code = 1;
    f.stderr_text = err;
    const auto out = decide_outcome(f);
    EXPECT_EQ(out.error, "Container exited with code 1: " + err.substr(err.size() - 200));
    EXPECT_EQ(out.result, std::nullopt);
}

TEST(DecideOutcomeTest, SignalExitIsReportedAsNull) {
    RunFacts f;
    f.exit_code = std::nullopt;
    f.had_streaming_output = true;
    EXPECT_THAT(*decide_outcome(f).error, StartsWith("Container exited with code null: "));
}

TEST(DecideOutcomeTest, StderrTailNeverSplitsAUtf8Character) {
    const std::string err = "\xC3\xA9" + std::string(199, 'a'); // the cut falls inside é
    RunFacts f;
    f.exit_code = 2;
    f.stderr_text = err;
    EXPECT_EQ(*decide_outcome(f).error, "Container exited with code 2: " + std::string(199, 'a'));
}

TEST(DecideOutcomeTest, CleanExitInStreamingModeIsSuccessWithSession) {
    RunFacts f;
    f.exit_code = 0;
    f.latest_session_id = "session-456";
    EXPECT_EQ(decide_outcome(f),
              (ContainerOutput{OutputStatus::success, std::nullopt, "session-456", std::nullopt, std::nullopt}));
}

TEST(DecideOutcomeTest, LegacyModeTakesTheFirstMarkerPair) {
    const std::string out = "x\n---NANOCLAW_OUTPUT_START---\n{\"status\":\"success\",\"result\":"
                            "\"first\"}\n---NANOCLAW_OUTPUT_END---\n---NANOCLAW_OUTPUT_START---\n"
                            "{\"status\":\"success\",\"result\":\"second\"}\n"
                            "---NANOCLAW_OUTPUT_END---\n";
    RunFacts f;
    f.exit_code = 0;
    f.streaming = false;
    f.stdout_text = out;
    EXPECT_EQ(decide_outcome(f).result, "first");
}

TEST(DecideOutcomeTest, LegacyModeFallsBackToLastLineThenReportsGarbage) {
    RunFacts f;
    f.exit_code = 0;
    f.streaming = false;
    f.stdout_text = "noise\n{\"status\":\"success\",\"result\":\"x\"}\n";
    EXPECT_EQ(decide_outcome(f).result, "x");
    f.stdout_text = "garbage";
    EXPECT_THAT(*decide_outcome(f).error, StartsWith("Failed to parse container output: "));
}

class RunLogTest : public ::testing::Test {
protected:
    RunLogTest() : out_(100), err_(100) {
        data_.started = *core::parse_iso("2026-03-13T10:20:30.123Z");
        data_.group_name = "Test Group";
        data_.container_name = "nanoclaw-test-1";
        data_.duration_ms = 42;
        data_.input_json_pretty = "{\n  \"prompt\": \"Hello secret prompt\"\n}";
        data_.prompt_length = 5;
        data_.argv = {"docker", "run", "-i"};
        data_.mounts = {{"/h/g", "/workspace/group", false}, {"/h/gl", "/workspace/global", true}};
        data_.out = &out_;
        data_.err = &err_;
        data_.facts.exit_code = 0;
        out_.append("stdout text");
        err_.append("stderr text");
    }
    CappedBuffer out_;
    CappedBuffer err_;
    RunLogData data_;
};

TEST_F(RunLogTest, FileNameReplacesColonsAndDots) {
    EXPECT_EQ(run_log_path("/l", data_.started).string(),
              "/l/container-2026-03-13T10-20-30-123Z.log");
}

TEST_F(RunLogTest, SuccessLogHasSummaryAndContainerPathsOnly) {
    const auto log = format_run_log(data_);
    EXPECT_THAT(log, StartsWith("=== Container Run Log ===\nTimestamp: 2026-03-13T10:20:30.123Z\n"
                                "Group: Test Group\nIsMain: false\nDuration: 42ms\nExit Code: 0\n"
                                "Stdout Truncated: false\nStderr Truncated: false\n\n"));
    EXPECT_THAT(log, HasSubstr("=== Input Summary ===\nPrompt length: 5 chars\nSession ID: new\n"));
    EXPECT_THAT(log, HasSubstr("=== Mounts ===\n/workspace/group\n/workspace/global (ro)\n"));
    EXPECT_THAT(log, Not(HasSubstr("docker run")));
    EXPECT_THAT(log, Not(HasSubstr("stdout text")));
    EXPECT_THAT(log, Not(HasSubstr("secret prompt")));
}

TEST_F(RunLogTest, ErrorLogHasArgsMountsStreamsButOnlyAPromptSummary) {
    data_.facts.exit_code = 2;
    const auto log = format_run_log(data_);
    EXPECT_THAT(log, HasSubstr("=== Input Summary ==="));
    EXPECT_THAT(log, Not(HasSubstr("secret prompt")));
    EXPECT_THAT(log, HasSubstr("=== Container Args ===\ndocker run -i\n"));
    EXPECT_THAT(log, HasSubstr("/h/gl -> /workspace/global (ro)\n"));
    EXPECT_THAT(log, HasSubstr("=== Stderr ===\nstderr text\n"));
    EXPECT_THAT(log, HasSubstr("=== Stdout ===\nstdout text"));
}

TEST_F(RunLogTest, VerboseLogHasFullInputAndTruncationHeaders) {
    data_.verbose = true;
    out_.append(std::string(200, 'o'));
    const auto log = format_run_log(data_);
    EXPECT_THAT(log, HasSubstr("=== Input ===\n{\n  \"prompt\": \"Hello secret prompt\"\n}\n"));
    EXPECT_THAT(log, HasSubstr("Stdout Truncated: true"));
    EXPECT_THAT(log, HasSubstr("=== Stdout (TRUNCATED) ==="));
}

TEST_F(RunLogTest, TimeoutLogShape) {
    data_.facts.timed_out = true;
    data_.facts.had_streaming_output = true;
    data_.facts.exit_code = std::nullopt;
    EXPECT_EQ(format_run_log(data_),
              "=== Container Run Log (TIMEOUT) ===\nTimestamp: 2026-03-13T10:20:30.123Z\n"
              "Group: Test Group\nContainer: nanoclaw-test-1\nDuration: 42ms\nExit Code: null\n"
              "Had Streaming Output: true");
}

TEST(Utf16LengthTest, CountsLikeJavaScript) {
    EXPECT_EQ(utf16_length("Hello"), 5u);
    EXPECT_EQ(utf16_length("caf\xC3\xA9"), 4u);
    EXPECT_EQ(utf16_length("\xF0\x9F\x98\x80"), 2u);
}

// Failures that will repeat (issue 18): reported once, never retried in a loop.
RunFacts failed(int code, std::string_view err) {
    RunFacts f;
    f.exit_code = code;
    f.stderr_text = err;
    return f;
}

TEST(PermanentFailureTest, CompileErrorQuotesTheCompilersFirstError) {
    const auto f = failed(78, "[entrypoint] runner source differs; compiling it\n"
                              "src/index.ts(3,5): error TS1005: ';' expected.\n"
                              "src/index.ts(9,1): error TS1128: Declaration expected.\n"
                              "[entrypoint] the agent-runner source in /app/src does not compile\n");
    EXPECT_EQ(permanent_failure_of(f), "src/index.ts(3,5): error TS1005: ';' expected.");
    EXPECT_EQ(decide_outcome(f).permanent_failure,
              "src/index.ts(3,5): error TS1005: ';' expected.");
}

TEST(PermanentFailureTest, TsErrorsWithAnotherExitCodeArePermanentToo) {
    EXPECT_EQ(permanent_failure_of(failed(2, "x\nsrc/a.ts(1,1): error TS18003: No inputs\n")),
              "src/a.ts(1,1): error TS18003: No inputs");
}

TEST(PermanentFailureTest, RuntimeFailuresPreferTheErrorLine) {
    const auto f = failed(125, "Unable to find image 'nanoclaw-agent:latest' locally\n"
                               "docker: Error response from daemon: pull access denied.\n"
                               "See 'docker run --help'.\n");
    EXPECT_EQ(permanent_failure_of(f), "docker: Error response from daemon: pull access denied.");
    EXPECT_EQ(permanent_failure_of(failed(126, "permission denied somewhere\n")),
              "permission denied somewhere");
    EXPECT_EQ(permanent_failure_of(failed(127, "")),
              "the container exited with code 127 and no message");
}

TEST(PermanentFailureTest, RunnerThatCannotLoadIsPermanent) {
    EXPECT_TRUE(permanent_failure_of(failed(1, "node:internal\nError [ERR_MODULE_NOT_FOUND]: x\n")));
    EXPECT_TRUE(permanent_failure_of(failed(1, "SyntaxError: Unexpected token\n")));
}

TEST(PermanentFailureTest, OrdinaryFailuresAreNotPermanent) {
    EXPECT_FALSE(permanent_failure_of(failed(1, "API Error: 500\n")));
    EXPECT_FALSE(permanent_failure_of(failed(137, "")));
    EXPECT_FALSE(decide_outcome(failed(1, "boom\n")).permanent_failure);
    auto signalled = failed(0, "");
    signalled.exit_code.reset();
    EXPECT_FALSE(permanent_failure_of(signalled));
    auto after_output = failed(125, "error\n");
    after_output.had_streaming_output = true; // the agent ran: whatever broke, it started
    EXPECT_FALSE(permanent_failure_of(after_output));
    auto timed_out = failed(125, "error\n");
    timed_out.timed_out = true;
    EXPECT_FALSE(permanent_failure_of(timed_out));
}

TEST(PermanentFailureTest, LongLinesAreCutOnACharacterBoundary) {
    std::string line = "error TS1: ";
    while (line.size() < 400) line += "\xC3\xA9"; // é, two bytes
    const auto headline = permanent_failure_of(failed(78, line + "\n"));
    ASSERT_TRUE(headline);
    EXPECT_LE(headline->size(), 303u);
    EXPECT_EQ(headline->substr(headline->size() - 3), "...");
    const auto body = headline->substr(0, headline->size() - 3);
    EXPECT_NE(static_cast<unsigned char>(body.back()), 0xC3u); // no half character
}

} // namespace
} // namespace nanoclaw::container

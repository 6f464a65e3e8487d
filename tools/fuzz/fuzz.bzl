"""A libFuzzer target and the test that replays its seed corpus.

cc_fuzz_target(name = "x_fuzzer", srcs = [...], deps = [...], corpus = "...")
makes:
  x_fuzzer               the libFuzzer binary (tagged manual: it needs
                         clang; tools/fuzz/run builds it with --config=fuzz)
  x_fuzzer_corpus_test   a cc_test that runs every seed of `corpus` through
                         the same LLVMFuzzerTestOneInput with the default
                         compiler, so each seed is a regression test in
                         bazel test //... (plain, asan and ubsan).
"""

def cc_fuzz_target(name, srcs, deps, corpus):
    native.cc_binary(
        name = name,
        testonly = True,
        srcs = srcs,
        deps = deps,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
    )
    native.cc_test(
        name = name + "_corpus_test",
        size = "small",
        srcs = srcs,
        deps = deps + ["//tools/fuzz:corpus_replay_main"],
        data = native.glob([corpus + "/**"]),
        args = [native.package_name() + "/" + corpus],
    )

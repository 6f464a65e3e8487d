"""cc_grpc_library: C++ messages and gRPC stubs from one .proto, offline.

Runs Debian's protoc and grpc_cpp_plugin in a genrule; the generated headers
are included as "proto/<name>.pb.h" and "proto/<name>.grpc.pb.h".
"""

def cc_grpc_library(name, src, visibility = None):
    base = src[:-len(".proto")]
    outs = [
        base + ".pb.h",
        base + ".pb.cc",
        base + ".grpc.pb.h",
        base + ".grpc.pb.cc",
    ]
    native.genrule(
        name = name + "_gen",
        srcs = [src],
        outs = outs,
        cmd = ("protoc --proto_path=. --cpp_out=$(GENDIR) " +
               "--grpc_out=$(GENDIR) " +
               "--plugin=protoc-gen-grpc=$$(command -v grpc_cpp_plugin) " +
               "$(location " + src + ")"),
    )
    native.cc_library(
        name = name,
        srcs = [base + ".pb.cc", base + ".grpc.pb.cc"],
        hdrs = [base + ".pb.h", base + ".grpc.pb.h"],
        deps = ["//third_party/system:grpc"],
        visibility = visibility,
    )

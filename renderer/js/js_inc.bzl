"""js_inc: a JavaScript file as a C++ raw string literal (for #include)."""

def js_inc(name, src, out):
    native.genrule(
        name = name,
        srcs = [src],
        outs = [out],
        # The delimiter must not occur in the script; the build fails if it
        # does rather than compile a cut script.
        cmd = "! grep -q ')DSOCKJS' $< && " +
              "(echo 'R\"DSOCKJS('; cat $<; echo ')DSOCKJS\"') > $@",
    )

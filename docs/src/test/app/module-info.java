/** A user's program on the module path: ModulePathTest compiles and runs it. */
module weft.example {
    requires dev.weft.locks;
}

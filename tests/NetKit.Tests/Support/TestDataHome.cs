using System.Runtime.CompilerServices;

namespace NetKit.Tests.Support;

/// <summary>
/// Points $NETKIT_DATA at a folder of this test run before any test starts, so a `netkit`
/// child process started without --data never opens (or upgrades) the real user's store in
/// ~/.local/share/netkit. Children inherit the variable.
/// </summary>
internal static class TestDataHome
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("NETKIT_DATA") is { Length: > 0 })
            return; // the caller chose one on purpose
        var folder = Path.Combine(Path.GetTempPath(), "netkit-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        Environment.SetEnvironmentVariable("NETKIT_DATA", folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { } // a child still writing: the temp folder's cleaner gets it
            catch (UnauthorizedAccessException) { }
        };
    }
}

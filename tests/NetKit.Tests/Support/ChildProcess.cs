using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NetKit.Tests.Support;

/// <summary>
/// A program that runs beside a test (a server): its output is collected line
/// by line, a test waits for a line with a timeout, and it is stopped with a
/// signal or killed when the test ends, whatever happens.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private ChildProcess(Process process, string command)
    {
        _process = process;
        Command = command;
    }

    public string Command { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _stdout);
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = ProcessStartInfo(fileName, arguments, environment);
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, ProcessRunner.Describe(info));
        process.OutputDataReceived += (_, e) => child.Add(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(child._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return child;
    }

    /// <summary>Waits for the first stdout line that matches; fails the test if the program exits or time runs out first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_gate)
            {
                var line = _stdout.FirstOrDefault(match);
                if (line is not null)
                {
                    return line;
                }
            }

            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                Assert.Fail($"{Command} exited (code {_process.ExitCode}) before printing {what}.\n{Output()}");
            }

            if (deadline.Elapsed > timeout)
            {
                Assert.Fail($"{Command} did not print {what} within {timeout.TotalSeconds:0} s.\n{Output()}");
            }

            // Wake on the next line at once (a test may race the program), or look again soon.
            await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Sends a signal (TERM, INT) and waits for the exit; returns the exit code. Fails the test if it does not exit in time.</summary>
    public async Task<int> SignalAndWaitAsync(string signal, TimeSpan timeout)
    {
        var number = signal switch
        {
            "INT" => 2,
            "TERM" => 15,
            _ => throw new ArgumentException($"unknown signal {signal}", nameof(signal)),
        };
        Assert.True(Posix.Kill(Id, number) == 0, $"kill -{signal} {Id} failed: errno {Marshal.GetLastPInvokeError()}");
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"{Command} did not exit within {timeout.TotalSeconds:0} s of SIG{signal}; killed.\n{Output()}");
        }

        // The exit is seen before the last output lines are read; wait for the end of both streams.
        await _process.WaitForExitAsync(CancellationToken.None);
        return _process.ExitCode;
    }

    public string Output() => $"--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(grace.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not killable: nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
            _lineArrived.Dispose();
        }
    }

    private static ProcessStartInfo ProcessStartInfo(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var info = ProcessRunner.StartInfo(fileName, arguments, environment);
        info.StandardOutputEncoding = Encoding.UTF8;
        return info;
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            lines.Add(line);
        }

        _lineArrived.Release();
    }
}

internal static class Posix
{
    /// <summary>kill(2): sends a signal at once, without starting a program to do it.</summary>
    /// <remarks>DllImport, not LibraryImport: that would need unsafe code in the test project.</remarks>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static extern int Kill(int pid, int signal);
}

using NetKit.Http;
using Spectre.Console;

namespace NetKit.Cli.Commands;

/// <summary>`-o FILE`: a resumable download, with a progress bar (size, rate, time left) when stderr is a terminal.</summary>
internal static class HttpSaveToFile
{
    public static async Task<int> RunAsync(
        HttpClient client, Func<HttpRequestMessage> createRequest, string path, HttpInvocation invocation, TimeSpan idleLimit,
        bool follow, CancellationToken cancellationToken)
    {
        HttpResponseMessage? head = null;
        var options = new HttpDownloadOptions
        {
            Resume = invocation.Resume,
            IdleTimeout = idleLimit,
            OnResponse = response =>
            {
                head = response;
                if (invocation.Include)
                {
                    HttpOutput.WriteHead(Console.Out, response);
                }
            },
        };
        try
        {
            if (Console.IsErrorRedirected)
            {
                await HttpDownload.DownloadAsync(client, createRequest, path, options, cancellationToken);
            }
            else
            {
                await WithProgressBarAsync(client, createRequest, path, options, cancellationToken);
            }
        }
        catch (HttpStatusException) when (head is not null)
        {
            // The status is the answer: exit by it (a 3xx left unfollowed is not a failure).
            return HttpExchange.Verdict(head, follow, invocation.MaxRedirects);
        }

        return HttpExitCodes.Success;
    }

    private static Task WithProgressBarAsync(HttpClient client, Func<HttpRequestMessage> createRequest, string path, HttpDownloadOptions options, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(Path.GetFileName(path)), autoStart: true, maxValue: 1);
                task.IsIndeterminate = true;
                var progress = new BarProgress(task);
                await HttpDownload.DownloadAsync(client, createRequest, path, new HttpDownloadOptions
                {
                    Resume = options.Resume,
                    IdleTimeout = options.IdleTimeout,
                    OnResponse = options.OnResponse,
                    Progress = progress,
                }, cancellationToken);
                task.StopTask();
            });
    }

    /// <summary>Moves the bar straight from the download's thread (no synchronisation context to post to here).</summary>
    private sealed class BarProgress(ProgressTask task) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            if (value.TotalBytes is { } total && total > 0)
            {
                task.IsIndeterminate = false;
                task.MaxValue = total;
            }
            else
            {
                task.MaxValue = Math.Max(1, value.BytesReceived);
            }

            task.Value = value.BytesReceived;
        }
    }
}

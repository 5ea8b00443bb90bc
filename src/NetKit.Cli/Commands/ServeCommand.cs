using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NetKit.Imap.Server;
using NetKit.Net;
using NetKit.Services;
using NetKit.Transport;
using NetKit.Web;
using Spectre.Console;

namespace NetKit.Cli.Commands;

/// <summary>`netkit serve [SERVICE[=ENDPOINT]]...`: starts services, prints where they listen, stops on Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var services = new Argument<string[]>("service")
        {
            Description = "SERVICE or SERVICE=ENDPOINT (e.g. reverse=udp://127.0.0.1:33333, echo=unix:/tmp/e.sock, greeting=9999, echo=tls://127.0.0.1:10443). None: every service on its default loopback port.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var data = new Option<string?>("--data") { Description = "The data directory (TLS certificate, stores). Default: $NETKIT_DATA or ~/.local/share/netkit." };
        var maxConnections = new Option<int>("--max-connections") { Description = "Connections open at once, per listener.", DefaultValueFactory = _ => 10_000 };
        var perAddress = new Option<int>("--max-connections-per-address") { Description = "Connections open at once from one remote address (loopback peers are not limited).", DefaultValueFactory = _ => 256 };
        var idleTimeout = new Option<double>("--idle-timeout") { Description = "Seconds a connection may stay silent before it is closed.", DefaultValueFactory = _ => 300 };
        var trace = new Option<bool>("--trace") { Description = "Print the wire trace (C:/S: lines) of text services." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log every connection's end and every datagram." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Log warnings and errors only." };
        var smtp = new SmtpServeOptions();
        var ftp = new FtpServeOptions();
        var gopher = new GopherServeOptions();
        var telnet = new TelnetServeOptions();
        var web = new WebServeOptions();
        var commandTimeout = new CommandTimeoutServeOption();

        var command = new Command("serve", "Run NetKit's services on loopback (or where you say).");
        command.Arguments.Add(services);
        foreach (var option in new Option[] { data, maxConnections, perAddress, idleTimeout, trace, verbose, quiet })
        {
            command.Options.Add(option);
        }

        smtp.AddTo(command);
        ftp.AddTo(command);
        gopher.AddTo(command);
        telnet.AddTo(command);
        web.AddTo(command);
        commandTimeout.AddTo(command);
        var nntp = new NntpServeOptions();
        nntp.AddTo(command);

        CliAction.Set(command, async (parse, ct) =>
        {
            SocketTuning.PreferInlineCompletions();
            var idleSeconds = parse.GetValue(idleTimeout);
            if (!(idleSeconds > 0 && idleSeconds <= 86_400 * 365))
            {
                throw new UsageException($"--idle-timeout must be a number of seconds above 0, not {idleSeconds}");
            }

            if (parse.GetValue(maxConnections) < 1 || parse.GetValue(perAddress) < 1)
            {
                throw new UsageException("--max-connections and --max-connections-per-address must be at least 1");
            }


            // System.CommandLine installs its SIGINT/SIGTERM handlers only once this action
            // has returned its task, at its first real wait; up to then a signal kills the
            // process outright. Everything up to "serving" runs before that wait, so a signal
            // sent as soon as we say we serve would skip the clean stop: handle them here.
            // A completion source, not a token source: a handler may still run after this
            // action has ended (both handlers see each signal), and setting it twice is harmless.
            var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            // The catalog's services and the web console, which lives outside the core library (it runs on ASP.NET Core).
            var plan = ServePlan.Parse(parse.GetValue(services) ?? [], [.. ServiceCatalog.All, WebService.Definition(web.Read(parse))]);
            var smtpOptions = smtp.Read(parse, [.. plan.Where(p => p.Service.Name == "smtp").Select(p => p.Endpoint)]); // Usage errors before anything starts.
            var ftpSettings = ftp.Read(parse);
            var nntpSettings = nntp.Read(parse);
            var commandDeadline = commandTimeout.Read(parse);
            var level = parse.GetValue(quiet) ? LogLevel.Warning : parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information;
            using var logging = CliLogging.Create(level);
            using var traceOutput = parse.GetValue(trace) ? new QueuedTextWriter(Console.Out) : null;
            // The data directory holds the TLS certificate (implicit TLS and smtp's STARTTLS
            // share it) and the stores; a run of plain simple services never creates it.
            var dataDirectory = plan.Any(p => p.Tls || p.Service.NeedsContext) ? CliPaths.DataDirectory(parse.GetValue(data)) : null;
            var certificate = dataDirectory is null ? null : TlsCertificates.LoadOrCreateSelfSigned(dataDirectory);
            var options = new StreamServerOptions
            {
                MaxConnections = parse.GetValue(maxConnections),
                MaxConnectionsPerAddress = parse.GetValue(perAddress),
                IdleTimeout = TimeSpan.FromSeconds(idleSeconds),
                Trace = traceOutput is null ? null : new WireTrace(traceOutput, TraceRole.Server),
                ImplicitTlsCertificate = plan.Any(p => p.Tls) ? certificate : null,
            };
            await using var stores = new ServeStores();
            var context = plan.Any(p => p.Service.NeedsContext)
                ? stores.CreateContext(dataDirectory!, smtpOptions with { Certificate = certificate }, logging,
                    // IMAP shares SMTP's certificate and its rule for passwords without TLS (loopback only, when allowed).
                    new ImapServerOptions { Certificate = certificate, AllowPlaintextAuth = smtpOptions.AllowPlaintextAuth },
                    ftpSettings.For(dataDirectory!, certificate))
                    with { Gopher = gopher.Read(parse, dataDirectory!) }
                : null;
            context = context is { Store: { } mail } ? context with { Telnet = telnet.Read(parse)(mail) } : context;
            if (context is not null && plan.Any(p => p.Service.Name is "nntp" or WebService.Name))
            {
                context = await stores.AddNewsAsync(context, dataDirectory!, nntpSettings with { Options = nntpSettings.Options with { Certificate = certificate } }, ct);
            }

            context = context is not null && commandDeadline is { } deadline ? CommandTimeoutServeOption.Apply(context, deadline) : context;
            await using var running = new RunningServers();
            // Read at call time, so telnet's `status` also shows the listeners started after it.
            context = context is null ? null : context with { Listeners = running.Status };
            foreach (var listener in plan)
            {
                var listenerOptions = ForService(listener.Service.Name, options, idleTimeoutGiven: parse.GetResult(idleTimeout) is { Implicit: false });
                await running.StartAsync(listener, listenerOptions, context, logging, ct);
            }

            PrintTable(running.Listeners);
            Console.Out.WriteLine("netkit: serving; Ctrl+C stops.");
            Console.Out.Flush();
            // Ctrl+C or SIGTERM (ours or System.CommandLine's): a clean stop, below.
            await Task.WhenAny(signalled.Task, Task.Delay(Timeout.Infinite, ct));

            await running.StopAsync();
            logging.Dispose(); // Flushes the log queue, so "stopped" is the last line.
            traceOutput?.Dispose();
            Console.Out.WriteLine("netkit: stopped.");
            return ExitCodes.Success;

            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                signalled.TrySetResult();
            }
        });
        return command;
    }

    internal static readonly TimeSpan ImapMinimumIdle = TimeSpan.FromMinutes(31);

    /// <summary>
    /// One listener's transport options. RFC 3501 5.4: an IMAP server's inactivity timer is at
    /// least 30 minutes, so the global default (5) stands for IMAP only when the user chose it.
    /// </summary>
    internal static StreamServerOptions ForService(string service, StreamServerOptions options, bool idleTimeoutGiven) =>
        service == "imap" && !idleTimeoutGiven && options.IdleTimeout < ImapMinimumIdle
            ? options with { IdleTimeout = ImapMinimumIdle }
            : options;

    private static void PrintTable(IEnumerable<(string Service, string Endpoint)> listeners)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("service").AddColumn("listens on");
        foreach (var (service, endpoint) in listeners)
        {
            table.AddRow(Markup.Escape(service), Markup.Escape(endpoint));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>One listener to start: a service on one endpoint, maybe behind implicit TLS.</summary>
    private sealed record ServePlan(ServiceDefinition Service, NetEndpoint Endpoint, bool Tls)
    {
        public static List<ServePlan> Parse(string[] arguments, IReadOnlyList<ServiceDefinition> catalog)
        {
            var plan = new List<ServePlan>();
            if (arguments.Length == 0)
            {
                foreach (var service in catalog)
                {
                    plan.AddRange(Defaults(service));
                }

                return plan;
            }

            foreach (var argument in arguments)
            {
                var equals = argument.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? argument : argument[..equals];
                var service = catalog.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UsageException($"unknown service \"{name}\"; known: {string.Join(", ", catalog.Select(s => s.Name))}");
                if (equals < 0)
                {
                    plan.AddRange(Defaults(service));
                    continue;
                }

                var text = argument[(equals + 1)..];
                var tls = text.StartsWith("tls://", StringComparison.OrdinalIgnoreCase);
                if (tls)
                {
                    text = "tcp://" + text["tls://".Length..];
                }

                var endpoint = NetEndpoint.Parse(text, SocketTransport.Tcp, "127.0.0.1", service.DefaultPort);
                if (service.HostedFactory is not null && (tls || endpoint.Transport != SocketTransport.Tcp))
                {
                    throw new UsageException($"{service.Name} listens on TCP only (HOST:PORT), not {argument[(equals + 1)..]}");
                }

                if (endpoint.IsDatagram ? !service.SpeaksDatagram : !service.SpeaksStream)
                {
                    throw new UsageException($"{service.Name} does not speak {(endpoint.IsDatagram ? "datagrams" : "streams")} ({endpoint})");
                }

                plan.Add(new ServePlan(service, endpoint, tls));
            }

            return plan;
        }

        private static IEnumerable<ServePlan> Defaults(ServiceDefinition service)
        {
            if (service.SpeaksStream)
            {
                yield return new ServePlan(service, NetEndpoint.Tcp("127.0.0.1", service.DefaultPort), false);
            }

            if (service.SpeaksDatagram)
            {
                yield return new ServePlan(service, NetEndpoint.Udp("127.0.0.1", service.DefaultPort), false);
            }
        }
    }

    /// <summary>The servers started so far; stopping them all is one call.</summary>
    private sealed class RunningServers : IAsyncDisposable
    {
        private readonly List<StreamServer> _streams = [];
        private readonly List<DatagramServer> _datagrams = [];
        private readonly List<IHostedListener> _hosted = [];
        private readonly List<Func<ListenerStatus>> _status = [];

        public List<(string Service, string Endpoint)> Listeners { get; } = [];

        /// <summary>
        /// Starts the plan's listeners: one for each address its host name has
        /// (localhost: 127.0.0.1 and ::1), or just the first when the port is 0,
        /// since each address would get a different free port.
        /// </summary>
        public async Task StartAsync(ServePlan plan, StreamServerOptions options, ServeContext? context, ILoggerFactory logging, CancellationToken ct)
        {
            var addresses = await plan.Endpoint.ResolveAllAsync(ct);
            if (plan.Service.HostedFactory is { } hosted)
            {
                await StartHostedAsync(plan, hosted(context ?? throw new InvalidOperationException($"{plan.Service.Name} needs a serve context")), addresses, ct);
                return;
            }

            foreach (var bindTo in plan.Endpoint.Port == 0 ? addresses.Take(1) : addresses.Distinct())
            {
                Start(plan, bindTo, options, context, logging);
            }
        }

        private void Start(ServePlan plan, EndPoint bindTo, StreamServerOptions options, ServeContext? context, ILoggerFactory logging)
        {
            var logger = logging.CreateLogger($"netkit.{plan.Service.Name}");
            if (plan.Endpoint.IsDatagram)
            {
                var server = new DatagramServer(plan.Service.Name, bindTo, plan.Service.DatagramHandler!, logger);
                server.Start();
                _datagrams.Add(server);
                Add(plan.Service.Name, Show(plan.Endpoint, server.LocalEndPoint, tls: false), () => (0, server.TotalDatagrams));
            }
            else
            {
                var stream = plan.Service.CreateStream(context);
                var transport = plan.Tls ? options : WithoutTls(options);
                var server = new StreamServer(plan.Service.Name, bindTo, stream.Handler,
                    transport with { OnRejected = stream.OnRejected ?? transport.OnRejected }, logger);
                server.Start();
                _streams.Add(server);
                Add(plan.Service.Name, Show(plan.Endpoint, server.LocalEndPoint, plan.Tls), () => (server.ActiveConnections, server.TotalConnections));
            }
        }

        /// <summary>A service with its own listener (the web console on Kestrel): one for all the plan's addresses.</summary>
        private async Task StartHostedAsync(ServePlan plan, IHostedListener listener, IReadOnlyList<EndPoint> addresses, CancellationToken ct)
        {
            _hosted.Add(listener);
            var bindTo = addresses.OfType<IPEndPoint>().Distinct().Take(plan.Endpoint.Port == 0 ? 1 : int.MaxValue).ToList();
            foreach (var bound in await listener.StartAsync(bindTo, ct))
            {
                Add(plan.Service.Name, listener.Scheme + Show(plan.Endpoint, bound, tls: false)["tcp".Length..], () => (listener.ActiveConnections, listener.TotalConnections));
            }
        }

        /// <summary>Each listener's counts now; safe while other listeners are still starting.</summary>
        public IReadOnlyList<ListenerStatus> Status()
        {
            lock (_status)
            {
                return [.. _status.Select(s => s())];
            }
        }

        private void Add(string service, string endpoint, Func<(int Active, long Total)> counts)
        {
            Listeners.Add((service, endpoint));
            lock (_status)
            {
                _status.Add(() =>
                {
                    var (active, total) = counts();
                    return new ListenerStatus(service, endpoint, active, total);
                });
            }
        }

        public async Task StopAsync()
        {
            await Task.WhenAll(_streams.Select(s => s.StopAsync()).Concat(_datagrams.Select(d => d.StopAsync())).Concat(_hosted.Select(h => h.StopAsync(CancellationToken.None))));
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            foreach (var server in _streams)
            {
                await server.DisposeAsync();
            }

            foreach (var server in _datagrams)
            {
                await server.DisposeAsync();
            }

            foreach (var listener in _hosted)
            {
                await listener.DisposeAsync();
            }
        }

        private static StreamServerOptions WithoutTls(StreamServerOptions o) => o with { ImplicitTlsCertificate = null };

        /// <summary>The endpoint as the user would type it, with the real port when 0 was asked for.</summary>
        private static string Show(NetEndpoint asked, EndPoint? bound, bool tls)
        {
            var shown = bound is IPEndPoint ip ? asked with { Host = ip.Address.ToString(), Port = ip.Port } : asked;
            return tls ? "tls" + shown.ToString()["tcp".Length..] : shown.ToString();
        }
    }
}

using NetKit.Fuzz;

// One program for every target: `NetKit.Fuzz TARGET` runs under AFL++ (SharpFuzz's forkserver),
// `NetKit.Fuzz TARGET FILE...` runs the inputs once each outside AFL (reproducing a finding,
// checking a seed corpus), `NetKit.Fuzz --list` names the targets.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: NetKit.Fuzz TARGET [FILE...] | --list");
    return 2;
}

if (args[0] == "--list")
{
    foreach (var name in Targets.All.Keys.Order(StringComparer.Ordinal))
    {
        Console.WriteLine(name);
    }

    return 0;
}

if (!Targets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"unknown target \"{args[0]}\"; --list names them");
    return 2;
}

if (args.Length > 1)
{
    var failed = 0;
    foreach (var file in args.Skip(1))
    {
        try
        {
            Harness.RunOne(target, File.ReadAllBytes(file));
        }
        catch (Exception ex)
        {
            failed++;
            Console.Error.WriteLine($"{file}: {ex}");
        }
    }

    return failed == 0 ? 0 : 1;
}

SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    Harness.RunOne(target, copy.ToArray());
});
return 0;

namespace NetKit;

/// <summary>
/// The base of every error NetKit raises on purpose. Its message is one clear
/// line meant for a person (the CLI prints it as it is).
/// </summary>
public class NetKitException : Exception
{
    public NetKitException(string message) : base(message) { }

    public NetKitException(string message, Exception? innerException) : base(message, innerException) { }
}

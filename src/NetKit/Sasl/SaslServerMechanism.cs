namespace NetKit.Sasl;

/// <summary>
/// The server side of one SASL exchange. The protocol decodes each client response and calls
/// <see cref="StepAsync"/> until it returns Success or Failure; malformed input is a Failure,
/// never an exception. A step after the end is a Failure too.
/// </summary>
public abstract class SaslServerMechanism
{
    public abstract string Name { get; }

    /// <summary>
    /// The next step for <paramref name="response"/>, the client's decoded response; for the first
    /// step the initial response, or empty when there was none.
    /// </summary>
    public abstract ValueTask<SaslStep> StepAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken);
}

package io.committed.raft;

import com.alipay.remoting.CustomSerializerManager;
import com.alipay.remoting.DefaultCustomSerializer;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.exception.DeserializationException;
import com.alipay.remoting.exception.SerializationException;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of forwarded proposals and their answers, registered with SOFABolt (JRaft's RPC
 * layer) in place of its default Hessian serialization, which read each forwarded command through a
 * 256-byte buffer and was the busiest code on a leader taking proposals from followers. Versioned
 * by a leading byte; nodes of one release talk to each other.
 */
final class ForwardCodec extends DefaultCustomSerializer {
  static final int VERSION = 1;
  private static final ForwardCodec INSTANCE = new ForwardCodec();
  private static boolean registered;

  private ForwardCodec() {}

  /** Registers the codec for both message classes (once per class loader; further calls do nothing). */
  static synchronized void register() {
    if (!registered) {
      CustomSerializerManager.registerCustomSerializer(ForwardRequest.class.getName(), INSTANCE);
      CustomSerializerManager.registerCustomSerializer(ForwardResponse.class.getName(), INSTANCE);
      registered = true;
    }
  }

  static byte[] encode(ForwardRequest r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + size(r.commands()));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      string(out, r.groupId());
      out.writeInt(r.commands().size());
      for (byte[] c : r.commands()) {
        out.writeInt(c.length);
        out.write(c);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a forwarded request", e); // in memory: does not happen
    }
    return bytes.toByteArray();
  }

  static ForwardRequest decodeRequest(byte[] data) throws IOException {
    DataInputStream in = input(data);
    String groupId = string(in);
    if (groupId == null) {
      throw new IOException("damaged forwarded message: no group id");
    }
    int n = count(in, data.length / 4);
    List<byte[]> commands = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] c = new byte[count(in, data.length)];
      in.readFully(c);
      commands.add(c);
    }
    return new ForwardRequest(groupId, commands);
  }

  static byte[] encode(ForwardResponse r) {
    int n = r.outcomes().size();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + n * 24);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeBoolean(r.notLeader());
      out.writeInt(n);
      for (ForwardResponse.Outcome o : r.outcomes()) {
        out.writeLong(o.engineIndex());
        out.writeLong(o.value());
        string(out, o.rejection());
        string(out, o.message());
        out.writeBoolean(o.outcomeUnknown());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a forwarded response", e);
    }
    return bytes.toByteArray();
  }

  static ForwardResponse decodeResponse(byte[] data) throws IOException {
    DataInputStream in = input(data);
    boolean notLeader = in.readBoolean();
    int n = count(in, data.length / 17);
    List<ForwardResponse.Outcome> outcomes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      outcomes.add(new ForwardResponse.Outcome(in.readLong(), in.readLong(), string(in), string(in), in.readBoolean()));
    }
    return new ForwardResponse(notLeader, outcomes);
  }

  private static int size(List<byte[]> commands) {
    long n = 0;
    for (byte[] c : commands) {
      n += 4 + c.length;
    }
    return (int) Math.min(Integer.MAX_VALUE - 64, n);
  }

  private static DataInputStream input(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("forwarded message of format " + version + ", this node reads format " + VERSION
          + ": run one release on every node");
    }
    return in;
  }

  private static int count(DataInputStream in, int max) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new IOException("damaged forwarded message: a count of " + n);
    }
    return n;
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > in.available()) {
      throw new IOException("damaged forwarded message: a string of " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  // ---- SOFABolt's hooks: anything but our two classes is left to its default serialization ----

  @Override
  public <T extends RequestCommand> boolean serializeContent(T request, InvokeContext context)
      throws SerializationException {
    if (request instanceof RpcRequestCommand cmd && cmd.getRequestObject() instanceof ForwardRequest r) {
      cmd.setContent(encode(r));
      return true;
    }
    return false;
  }

  @Override
  public <T extends RequestCommand> boolean deserializeContent(T request) throws DeserializationException {
    if (request instanceof RpcRequestCommand cmd && ForwardRequest.class.getName().equals(cmd.getRequestClass())) {
      try {
        cmd.setRequestObject(decodeRequest(cmd.getContent()));
      } catch (IOException e) {
        throw new DeserializationException(e.getMessage(), e);
      }
      return true;
    }
    return false;
  }

  @Override
  public <T extends ResponseCommand> boolean serializeContent(T response) throws SerializationException {
    if (response instanceof RpcResponseCommand cmd && cmd.getResponseObject() instanceof ForwardResponse r) {
      cmd.setContent(encode(r));
      return true;
    }
    return false;
  }

  @Override
  public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext context)
      throws DeserializationException {
    if (response instanceof RpcResponseCommand cmd && ForwardResponse.class.getName().equals(cmd.getResponseClass())) {
      try {
        cmd.setResponseObject(decodeResponse(cmd.getContent()));
      } catch (IOException e) {
        throw new DeserializationException(e.getMessage(), e);
      }
      return true;
    }
    return false;
  }
}

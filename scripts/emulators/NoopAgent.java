/*
 * Stands in for LocalStack's ddb-local-loader agent jar, which LocalStack would download at run time
 * (it only lifts DynamoDB Local's limit of 20 global secondary indexes; our tables have none).
 * LocalStack always starts DynamoDB Local with -javaagent:<that jar>, so an agent must be there.
 */
public final class NoopAgent {
    private NoopAgent() {}

    public static void premain(String args, java.lang.instrument.Instrumentation inst) {}
}

// Neo4j Community Edition in a process of its own, for `kg serve --engine neo4j` and the tests.
//
//     java -cp 'LIB/*' Launcher.java HOME
//
// HOME/conf/neo4j.conf holds the settings (written by loaders/bolt/neo4j_server.py: Bolt on
// loopback, auth on, the database's name, a small page cache); the password of the user neo4j
// comes from the environment variable KG_NEO4J_PASSWORD, never from the command line. Prints
// one line "KG-NEO4J-READY bolt://127.0.0.1:PORT" once the database answers, and shuts Neo4j
// down when its standard input closes or on SIGTERM.
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

public class Launcher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        String password = System.getenv("KG_NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("set KG_NEO4J_PASSWORD");
            System.exit(2);
        }
        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(home.resolve("conf").resolve("neo4j.conf"))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown));
        GraphDatabaseService system = service.database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            // A restart on the same folder: Neo4j refuses to set the password it already has.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) throw e;
        }
        GraphDatabaseService db = null;
        for (String name : service.listDatabases()) {
            if (!name.equals("system")) db = service.database(name);
        }
        db.executeTransactionally("RETURN 1");
        ConnectorPortRegister ports =
                ((GraphDatabaseAPI) system).getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        System.out.println("KG-NEO4J-READY bolt://" + ports.getLocalAddress(ConnectorType.BOLT));
        System.out.flush();
        InputStream in = System.in;
        while (in.read() != -1) {
            // Wait for the parent to close our standard input.
        }
        System.exit(0); // the shutdown hook stops Neo4j
    }
}
